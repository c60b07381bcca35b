namespace RecServices.Users;

/// <summary>An event id already recorded for this user with another item, kind or rating.</summary>
public sealed class EventIdConflictException(string eventId)
    : Exception($"event_id '{eventId}' was already recorded for this user with another item, kind or rating")
{
    public string EventId { get; } = eventId;
}
