namespace RecServices.Users;

/// <summary>
/// Users' profiles and histories, shared by every gateway replica that points at the same store. Two
/// implementations run the same contract suite: <see cref="SqliteUserStore"/> (one file, the embedded default)
/// and <see cref="RedisUserStore"/> (shared by every replica). Every method throws
/// <see cref="UserStoreUnavailableException"/> when the store cannot be reached.
/// </summary>
public interface IUserStore : IAsyncDisposable
{
    /// <summary>
    /// Creates the store's structures when needed and seeds it from <paramref name="seed"/> once per store: of several
    /// initialisers starting together against an empty store exactly one seeds it and the others wait for it; a store
    /// seeded before (by any version) is never seeded again. True when this call seeded it.
    /// </summary>
    Task<bool> InitializeAsync(UserStoreSeed seed, CancellationToken cancellationToken);

    /// <summary>
    /// The user with their newest <paramref name="historyLimit"/> distinct items (oldest first) and the count of every
    /// distinct item they ever interacted with; null when the store has never heard of them.
    /// </summary>
    Task<StoredUser?> FindAsync(string userId, int historyLimit, CancellationToken cancellationToken);

    /// <summary>
    /// Which of <paramref name="itemIds"/> the user ever interacted with (their whole history, not the newest
    /// part).
    /// </summary>
    Task<IReadOnlySet<string>> SeenAmongAsync(
        string userId,
        IReadOnlyList<string> itemIds,
        CancellationToken cancellationToken
    );

    /// <summary>
    /// Records an interaction durably (creating the user when new) and appends it to the interaction log, returning
    /// once the store has made it durable. An event id recorded before for this user is not recorded again: the
    /// answer is the first call's. Throws <see cref="EventIdConflictException"/> when that event was another
    /// interaction.
    /// </summary>
    Task<RecordResult> AppendAsync(NewInteraction interaction, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the user's profile (every field: a null one becomes unknown), creating the user when new; returns once
    /// durable, true when the user was new. Setting the same profile again changes nothing.
    /// </summary>
    Task<bool> SetProfileAsync(string userId, ProfileFields profile, CancellationToken cancellationToken);

    /// <summary>
    /// Erases the user: their profile, history, remembered event ids and interaction log entries leave the store, and
    /// an <see cref="Core.Data.Erasure"/> at <paramref name="erasedAt"/> is recorded for training to honour (the
    /// <see cref="IInteractionLog.ReadErasuresAsync"/>). Returns once durable, true when the store knew the user;
    /// erasing an unknown or erased user records the erasure again and succeeds.
    /// </summary>
    Task<bool> DeleteUserAsync(string userId, DateTimeOffset erasedAt, CancellationToken cancellationToken);

    /// <summary>
    /// What an acknowledged write survives with the store's current settings (read once at start, for the log).
    /// </summary>
    Task<StoreDurability> DescribeDurabilityAsync(CancellationToken cancellationToken);

    /// <summary>How full the store is now (for the gauge an alert watches); throws like the other reads.</summary>
    Task<StoreFill> FillAsync(CancellationToken cancellationToken);
}
