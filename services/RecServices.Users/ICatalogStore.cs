namespace RecServices.Users;

/// <summary>
/// The live catalog's changes over the served bundle's catalog, kept in the user store so that every replica of
/// every service reads the same ones: items added or changed (with their metadata), hidden (not available) or
/// deleted. Every write bumps one version counter;
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

    /// <summary>
    /// Adds items or replaces their metadata, in one atomic write; returns once durable, with the version it made. An
    /// item first upserted gets the next <see cref="CatalogItemState.Ordinal"/>, kept for good; a deleted item stays
    /// deleted.
    /// </summary>
    Task<long> UpsertItemsAsync(IReadOnlyList<CatalogItemUpsert> items, CancellationToken cancellationToken);

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
/// <param name="Available">False when hidden (<c>SetAvailability</c>, or <c>UpsertItems</c> with available false).</param>
/// <param name="Deleted">True when deleted (<c>DeleteItems</c>).</param>
/// <param name="Metadata">What <c>UpsertItems</c> last wrote; null for an item only hidden or deleted.</param>
/// <param name="Ordinal">The item's place among upserted items (0, 1, …, in the order first upserted; never
/// reused); -1 for an item never upserted. Serving numbers an item its bundle does not hold by it.</param>
public sealed record CatalogItemState(
    string ItemId,
    bool Available,
    bool Deleted,
    CatalogItemMetadata? Metadata = null,
    long Ordinal = -1
)
{
    /// <summary>Whether the item may be served, whatever the time (see <see cref="ServedAt"/>).</summary>
    public bool Served => Available && !Deleted;

    /// <summary>Whether the item may be served at <paramref name="now"/>: <see cref="Served"/> and inside its window.</summary>
    public bool ServedAt(DateTimeOffset now) =>
        Served
        && (Metadata?.AvailableFrom is not { } from || now >= from)
        && (Metadata?.AvailableUntil is not { } until || now < until);
}

/// <summary>One item of an upsert.</summary>
/// <param name="ItemId">The item's id.</param>
/// <param name="Metadata">Its metadata (replaces what was there).</param>
/// <param name="Available">Whether it may be served.</param>
public sealed record CatalogItemUpsert(string ItemId, CatalogItemMetadata Metadata, bool Available);

/// <summary>
/// An item's metadata as the catalog service was given it: what the item tower reads (categories, year, attributes),
/// the title, and the window it may be served in.
/// </summary>
/// <param name="Title">Its title.</param>
/// <param name="Categories">Its categories by name (names the bundle does not have are kept, and read by the next
/// training).</param>
/// <param name="Year">Its year, or null.</param>
/// <param name="Attributes">Its attributes by column name, as text.</param>
/// <param name="AvailableFrom">Not served before, when set.</param>
/// <param name="AvailableUntil">Not served from, when set.</param>
public sealed record CatalogItemMetadata(
    string Title,
    IReadOnlyList<string> Categories,
    int? Year,
    IReadOnlyDictionary<string, string> Attributes,
    DateTimeOffset? AvailableFrom,
    DateTimeOffset? AvailableUntil
)
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(
        System.Text.Json.JsonSerializerDefaults.Web
    );

    /// <summary>The JSON both stores keep.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, Json);

    /// <summary>Reads <see cref="ToJson"/>'s text.</summary>
    public static CatalogItemMetadata FromJson(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<CatalogItemMetadata>(json, Json)
        ?? throw new FormatException("catalog item metadata: null");
}

/// <summary>What changed in the live catalog after a version.</summary>
/// <param name="Version">The version the changes bring a reader to.</param>
/// <param name="Items">The changed items' states now.</param>
public sealed record CatalogChanges(long Version, IReadOnlyList<CatalogItemState> Items);
