using System.Text.Json.Serialization;
using Grpc.Core;
using RecServices.Lab.Load;

namespace RecServices.Lab.Drill;

/// <summary>
/// Overload: first the gateway's saturation throughput (closed loop at a concurrency that keeps it busy), then an
/// open loop offering <c>factor</c> × that rate, each call started on its schedule whether or not the ones before
/// have ended. Goodput is the calls answered OK per second; an accepted call's latency counts from its scheduled
/// start (no coordinated omission). With load shedding the gateway answers the excess RESOURCE_EXHAUSTED at once;
/// without it, calls queue until deadlines pass.
/// </summary>
public sealed class OverloadDrill(string gatewayAddress, IReadOnlyList<string> users)
{
    public async Task<OverloadReport> RunAsync(
        int concurrency,
        double factor,
        TimeSpan duration,
        TimeSpan deadline,
        int maxConcurrentCalls,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        using var calls = new GatewayCalls(gatewayAddress, users, deadline);
        var saturation = await calls.SaturationAsync(concurrency, duration, cancellationToken);
        var rate = saturation.ThroughputRps * factor;
        output.WriteLine(
            $"saturation: {saturation.ThroughputRps} answers/s at concurrency {concurrency}; offering "
                + $"{rate:F0}/s for {duration.TotalSeconds} s"
        );

        var latencies = new List<double>();
        var statuses = new Dictionary<StatusCode, long>();
        var gate = new Lock();
        var offeredSeconds = await OpenLoop.RunAsync(
            n => calls.RecommendAsync(n),
            rate,
            duration,
            (_, status, ms) =>
            {
                lock (gate)
                {
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    if (status == StatusCode.OK)
                    {
                        latencies.Add(ms);
                    }
                }
            },
            cancellationToken
        );
        var total = statuses.Values.Sum();
        var ok = statuses.GetValueOrDefault(StatusCode.OK);
        var accepted = LoadSummary.From(latencies, new Dictionary<StatusCode, long>(), offeredSeconds);
        var goodput = Math.Round(ok / offeredSeconds, 1);
        return new OverloadReport(
            maxConcurrentCalls,
            concurrency,
            saturation.ThroughputRps,
            factor,
            Math.Round(total / offeredSeconds, 1),
            total,
            goodput,
            Math.Round(goodput / saturation.ThroughputRps, 3),
            statuses.GetValueOrDefault(StatusCode.ResourceExhausted),
            statuses.GetValueOrDefault(StatusCode.DeadlineExceeded),
            statuses
                .Where(s => s.Key is not (StatusCode.OK or StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded))
                .Sum(s => s.Value),
            accepted.P50Ms,
            accepted.P99Ms,
            deadline.TotalMilliseconds
        );
    }
}

/// <summary>What offering more than the gateway can serve gave.</summary>
public sealed record OverloadReport(
    [property: JsonPropertyName("max_concurrent_calls")] int MaxConcurrentCalls,
    [property: JsonPropertyName("saturation_concurrency")] int SaturationConcurrency,
    [property: JsonPropertyName("saturation_rps")] double SaturationRps,
    [property: JsonPropertyName("factor")] double Factor,
    [property: JsonPropertyName("offered_rps")] double OfferedRps,
    [property: JsonPropertyName("offered")] long Offered,
    [property: JsonPropertyName("goodput_rps")] double GoodputRps,
    [property: JsonPropertyName("goodput_share_of_saturation")] double GoodputShare,
    [property: JsonPropertyName("shed")] long Shed,
    [property: JsonPropertyName("deadline_exceeded")] long DeadlineExceeded,
    [property: JsonPropertyName("other_failed")] long OtherFailed,
    [property: JsonPropertyName("accepted_p50_ms")] double AcceptedP50Ms,
    [property: JsonPropertyName("accepted_p99_ms")] double AcceptedP99Ms,
    [property: JsonPropertyName("deadline_ms")] double DeadlineMs
);
