using System.Text.Json.Serialization;
using Grpc.Core;
using RecServices.Core.Evaluation;

namespace RecServices.Lab.Load;

/// <summary>
/// One side of a load run (Recommend or the floor): throughput and latency percentiles of the successful calls, and
/// the failures by status code.
/// </summary>
public sealed record LoadSummary(
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("throughput_rps")] double ThroughputRps,
    [property: JsonPropertyName("p50_ms")] double P50Ms,
    [property: JsonPropertyName("p90_ms")] double P90Ms,
    [property: JsonPropertyName("p99_ms")] double P99Ms,
    [property: JsonPropertyName("p999_ms")] double P999Ms,
    [property: JsonPropertyName("max_ms")] double MaxMs,
    [property: JsonPropertyName("errors")] long Errors,
    [property: JsonPropertyName("errors_by_status")] IReadOnlyDictionary<string, long> ErrorsByStatus
)
{
    /// <summary>
    /// Summarises the latencies (milliseconds, any order; sorted in place) of the successful calls over
    /// <paramref name="seconds"/>.
    /// </summary>
    public static LoadSummary From(
        List<double> latenciesMs,
        IReadOnlyDictionary<StatusCode, long> errors,
        double seconds
    )
    {
        latenciesMs.Sort();
        return new LoadSummary(
            latenciesMs.Count,
            Math.Round(seconds, 3),
            Math.Round(latenciesMs.Count / seconds, 1),
            Round(Percentiles.Of(latenciesMs, 0.5)),
            Round(Percentiles.Of(latenciesMs, 0.9)),
            Round(Percentiles.Of(latenciesMs, 0.99)),
            Round(Percentiles.Of(latenciesMs, 0.999)),
            Round(latenciesMs.Count == 0 ? 0 : latenciesMs[^1]),
            errors.Values.Sum(),
            errors.OrderBy(e => e.Key).ToDictionary(e => e.Key.ToString(), e => e.Value)
        );
    }

    private static double Round(double ms) => Math.Round(ms, 4);
}
