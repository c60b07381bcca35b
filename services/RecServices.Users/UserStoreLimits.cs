namespace RecServices.Users;

/// <summary>
/// What bounds a user's part of the store, whatever a caller writes: event ids are kept for
/// <see cref="EventIdRetention"/> (a retry after it is recorded as a new interaction) and at most the newest
/// <see cref="LogPerUser"/> of them; the interaction log keeps each user's newest <see cref="LogPerUser"/> recorded
/// interactions (training reads those). The history (each distinct item once) is bounded by the catalog.
/// </summary>
/// <param name="EventIdRetention">How long an event id is remembered for idempotent retries.</param>
/// <param name="LogPerUser">Recorded interactions (and event ids) kept per user.</param>
public sealed record UserStoreLimits(TimeSpan EventIdRetention, int LogPerUser)
{
    public static readonly TimeSpan DefaultEventIdRetention = TimeSpan.FromDays(7);
    public const int DefaultLogPerUser = 10_000;

    public static UserStoreLimits Default { get; } = new(DefaultEventIdRetention, DefaultLogPerUser);
}
