namespace RecServices.Users;

/// <summary>
/// The live catalog's changes over the served bundle's catalog, kept in the user store so that every replica of
/// every service reads the same ones: items hidden (not available) or deleted. Every write bumps one version counter;
/// a reader polls <see cref="CatalogVersionAsync"/> and reads what changed since the version it applied. Both user
/// stores implement it (the same contract suite); each method throws <see cref="UserStoreUnavailableException"/>
/// when the store cannot be reached.
/// </summary>
public interface ICatalogStore
{
    /// <summary>
    /// Marks <paramref name="itemIds"/> available or not (a deleted item stays deleted), in one atomic write; returns
    /// once durable, with the version it made.
    /// </summary>
    Task<long> SetAvailabilityAsync(IReadOnlyList<string> itemIds, bool available, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes <paramref name="itemIds"/> from what is served (the bundle's data is the next training's business), in
    /// one atomic write; returns once durable, with the version it made.
    /// </summary>
    Task<long> DeleteItemsAsync(IReadOnlyList<string> itemIds, CancellationToken cancellationToken);

    /// <summary>The version of the catalog changes now: 0 before the first, then one more per write.</summary>
    Task<long> CatalogVersionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every item whose state changed after version <paramref name="since"/>, as it is now, and the version they
    /// bring a reader to (one consistent read).
    /// </summary>
    Task<CatalogChanges> ReadCatalogChangesAsync(long since, CancellationToken cancellationToken);
}

/// <summary>One item's state in the live catalog.</summary>
/// <param name="ItemId">The item's id.</param>
/// <param name="Available">False when hidden (<c>SetAvailability</c>).</param>
/// <param name="Deleted">True when deleted (<c>DeleteItems</c>).</param>
public sealed record CatalogItemState(string ItemId, bool Available, bool Deleted)
{
    /// <summary>Whether the item may be served.</summary>
    public bool Served => Available && !Deleted;
}

/// <summary>What changed in the live catalog after a version.</summary>
/// <param name="Version">The version the changes bring a reader to.</param>
/// <param name="Items">The changed items' states now.</param>
public sealed record CatalogChanges(long Version, IReadOnlyList<CatalogItemState> Items);
