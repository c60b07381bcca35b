using System.Text.Json.Serialization;
using RecServices.Lab.Load;

namespace RecServices.Lab.Cost;

/// <summary>
/// One call over gRPC at concurrency 1 (closed loop): which service, which call, its latency summary.
/// </summary>
public sealed record CallCost(
    [property: JsonPropertyName("call")] string Call,
    [property: JsonPropertyName("summary")] LoadSummary Summary
);
