namespace RecServices.Core.Data;

/// <summary>
/// One interaction as the gateway recorded it in the user store's interaction log, by the dataset's own ids.
/// </summary>
/// <param name="UserId">The user's id (a new id is a new user).</param>
/// <param name="ItemId">The item's id; it was in the catalog of the bundle that served the call, and may not be in the
/// next one.</param>
/// <param name="Kind">What the user did.</param>
/// <param name="Rating">The stars for <see cref="InteractionKind.Rated"/>; null for the other kinds.</param>
/// <param name="OccurredAt">When it happened, Unix time in seconds.</param>
/// <param name="EventId">The caller's event id, or the one the gateway assigned.</param>
public sealed record RecordedInteraction(
    string UserId,
    string ItemId,
    InteractionKind Kind,
    float? Rating,
    long OccurredAt,
    string EventId
);
