using RecServices.Core.Data;

namespace RecServices.Users;

/// <summary>An interaction to record.</summary>
/// <param name="UserId">The user's id; a new id creates the user.</param>
/// <param name="ItemId">The item's id.</param>
/// <param name="Kind">What the user did.</param>
/// <param name="Rating">The stars for <see cref="InteractionKind.Rated"/>, else null.</param>
/// <param name="OccurredAt">When it happened (kept to the second).</param>
/// <param name="EventId">The caller's idempotency key, or one the gateway assigned: the same id for the same user is
/// recorded once.</param>
public sealed record NewInteraction(
    string UserId,
    string ItemId,
    InteractionKind Kind,
    float? Rating,
    DateTimeOffset OccurredAt,
    string EventId
)
{
    /// <summary>
    /// What makes two calls with one event id the same interaction: item, kind and rating (not the time, which may
    /// be the server's clock).
    /// </summary>
    public string Signature =>
        Rating is { } stars
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ItemId}|{(int)Kind}|{stars:R}")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ItemId}|{(int)Kind}|");
}
