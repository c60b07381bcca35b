using System.Text.Json.Serialization;

namespace RecServices.Lab.Drill;

/// <summary>
/// What <c>recs-lab drill --kill retrieval|ranking [--pause]</c> or <c>--kill redis --pause</c> found: Recommend
/// through a backend's (or the user store's) crash or hang, outage and return.
/// </summary>
/// <param name="Killed">retrieval or ranking: the backend killed with SIGKILL and started again after the outage, or
/// paused.</param>
/// <param name="Signal">SIGKILL (a crash, then a restart) or SIGSTOP (a hang, then SIGCONT).</param>
/// <param name="Callers">Concurrent callers of Recommend, without pause.</param>
/// <param name="OutageSeconds">How long the backend stayed down.</param>
/// <param name="MaxReconnectBackoffMs">The gateway's <c>Recs:MaxReconnectBackoffMs</c> for the run.</param>
/// <param name="Calls">Recommend calls answered (full or degraded).</param>
/// <param name="Failed">Recommend calls that failed (the gateway answers degraded instead: must be 0).</param>
/// <param name="Degraded">Answers marked degraded.</param>
/// <param name="DegradedAfterServing">Degraded answers to calls started after the backend reported SERVING again:
/// needless ones.</param>
/// <param name="RecoverySeconds">From the backend reporting SERVING again to the first full answer of a call started
/// after that; null when none came.</param>
/// <param name="FailedByStatus">Failed Recommend calls by gRPC status.</param>
/// <param name="WritesByStatus">RecordInteraction calls of the one writer beside the callers, by gRPC status (OK
/// included); empty unless the drill pauses redis.</param>
/// <param name="GatewayLogBytes">What the gateway wrote to its log from the kill to the end of the drill.</param>
public sealed record RecoveryReport(
    [property: JsonPropertyName("killed")] string Killed,
    [property: JsonPropertyName("signal")] string Signal,
    [property: JsonPropertyName("callers")] int Callers,
    [property: JsonPropertyName("outage_s")] double OutageSeconds,
    [property: JsonPropertyName("max_reconnect_backoff_ms")] int MaxReconnectBackoffMs,
    [property: JsonPropertyName("calls")] long Calls,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("degraded")] long Degraded,
    [property: JsonPropertyName("degraded_after_serving")] long DegradedAfterServing,
    [property: JsonPropertyName("recovery_s")] double? RecoverySeconds,
    [property: JsonPropertyName("failed_by_status")] IReadOnlyDictionary<string, long> FailedByStatus,
    [property: JsonPropertyName("writes_by_status")] IReadOnlyDictionary<string, long> WritesByStatus,
    [property: JsonPropertyName("gateway_log_bytes")] long GatewayLogBytes
);
