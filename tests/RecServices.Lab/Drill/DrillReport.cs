using System.Text.Json.Serialization;

namespace RecServices.Lab.Drill;

/// <summary>What <c>recs-lab drill</c> found: acknowledged writes against what the store holds after a SIGKILL.</summary>
/// <param name="Store">sqlite or redis.</param>
/// <param name="Killed">gateway or redis: the process killed with SIGKILL mid-stream and started again.</param>
/// <param name="Writers">Concurrent callers of RecordInteraction.</param>
/// <param name="Seconds">How long the writers ran.</param>
/// <param name="Acknowledged">Interactions the gateway answered OK.</param>
/// <param name="Lost">Acknowledged interactions missing from the store's interaction log afterwards (must be
/// 0).</param>
/// <param name="RecordedTwice">Event ids in the log more than once (retries of one event; must be 0).</param>
/// <param name="RecordedUnacknowledged">Writes in flight at the kill that landed though no answer came back (allowed:
/// the caller retries them with the same event id).</param>
/// <param name="FailedAttempts">Calls that failed while the killed process was down (then retried with the same event
/// id).</param>
/// <param name="OutageSeconds">From the kill to the first acknowledged write of a call started after it.</param>
public sealed record DrillReport(
    [property: JsonPropertyName("store")] string Store,
    [property: JsonPropertyName("killed")] string Killed,
    [property: JsonPropertyName("writers")] int Writers,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("acknowledged")] int Acknowledged,
    [property: JsonPropertyName("lost")] int Lost,
    [property: JsonPropertyName("recorded_twice")] int RecordedTwice,
    [property: JsonPropertyName("recorded_unacknowledged")] int RecordedUnacknowledged,
    [property: JsonPropertyName("failed_attempts")] int FailedAttempts,
    [property: JsonPropertyName("outage_s")] double OutageSeconds
);
