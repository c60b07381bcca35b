using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Grpc.Core;
using HdrHistogram;

namespace RecServices.Lab.Load;

/// <summary>
/// Latency at fixed arrival rates (open loop, <see cref="OpenLoop"/>): each call's latency counts from its scheduled
/// start, so a server that falls behind shows its queue in the percentiles (no coordinated omission), recorded in an
/// HdrHistogram (microseconds, 3 significant digits). Beside it, the CPU each process used per call over the run.
/// </summary>
public static class FixedRate
{
    private const long HighestMicroseconds = 60_000_000;

    public static async Task<FixedRateRow> RunAsync(
        ClosedLoop.Call call,
        double rate,
        TimeSpan duration,
        CpuWindow cpu,
        double? share,
        CancellationToken cancellationToken
    )
    {
        var histogram = new LongHistogram(HighestMicroseconds, 3);
        var failures = new Dictionary<StatusCode, long>();
        cpu.Start();
        var seconds = await OpenLoop.RunAsync(
            async n =>
            {
                try
                {
                    await call(0, n, CancellationToken.None);
                    return StatusCode.OK;
                }
                catch (RpcException e)
                {
                    return e.StatusCode;
                }
            },
            rate,
            duration,
            (_, status, ms) =>
            {
                lock (histogram)
                {
                    if (status == StatusCode.OK)
                    {
                        histogram.RecordValue(Math.Clamp((long)(ms * 1000), 1, HighestMicroseconds));
                    }
                    else
                    {
                        failures[status] = failures.GetValueOrDefault(status) + 1;
                    }
                }
            },
            cancellationToken
        );
        var answered = histogram.TotalCount;
        double Ms(double percentile) => Math.Round(histogram.GetValueAtPercentile(percentile) / 1000.0, 3);
        return new FixedRateRow(
            share,
            Math.Round(rate, 1),
            Math.Round(answered / seconds, 1),
            answered,
            failures.Values.Sum(),
            failures.OrderBy(f => f.Key).ToDictionary(f => f.Key.ToString(), f => f.Value),
            Ms(50),
            Ms(90),
            Ms(99),
            Ms(99.9),
            Math.Round(histogram.GetMaxValue() / 1000.0, 3),
            cpu.PerCall(answered + failures.Values.Sum())
        );
    }

    public static string Table(IReadOnlyList<FixedRateRow> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var names = rows[0].CpuMicrosecondsPerCall.Keys.ToList();
        var text = new StringBuilder();
        text.AppendLine(
            c,
            $"| share of saturation | offered req/s | answered req/s | failed | p50 ms | p90 ms | p99 ms "
                + $"| p99.9 ms | max ms | p99 / p50 | "
                + $"{string.Join(" | ", names.Select(n => $"CPU µs/call {n}"))} |"
        );
        text.AppendLine(string.Concat(Enumerable.Repeat("|---", 10 + names.Count)) + "|");
        foreach (var r in rows)
        {
            text.AppendLine(
                c,
                $"| {(r.Share is { } s ? s.ToString("P0", c) : "–")} | {r.OfferedRps:F0} | "
                    + $"{r.AnsweredRps:F0} | {r.Failed} | {r.P50Ms:F3} | {r.P90Ms:F3} | {r.P99Ms:F3} | "
                    + $"{r.P999Ms:F3} | {r.MaxMs:F3} | {r.P99Ms / Math.Max(r.P50Ms, 1e-9):F2} | "
                    + $"{string.Join(" | ", names.Select(n => r.CpuMicrosecondsPerCall[n] is { } v ? v.ToString("F0", c) : "–"))} "
                    + $"|"
            );
        }

        return text.ToString();
    }
}

/// <summary>
/// One fixed-rate run: what was offered and answered, the percentiles from each call's scheduled start, CPU per
/// call by process.
/// </summary>
public sealed record FixedRateRow(
    [property: JsonPropertyName("share")] double? Share,
    [property: JsonPropertyName("offered_rps")] double OfferedRps,
    [property: JsonPropertyName("answered_rps")] double AnsweredRps,
    [property: JsonPropertyName("answered")] long Answered,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("failed_by_status")] IReadOnlyDictionary<string, long> FailedByStatus,
    [property: JsonPropertyName("p50_ms")] double P50Ms,
    [property: JsonPropertyName("p90_ms")] double P90Ms,
    [property: JsonPropertyName("p99_ms")] double P99Ms,
    [property: JsonPropertyName("p999_ms")] double P999Ms,
    [property: JsonPropertyName("max_ms")] double MaxMs,
    [property: JsonPropertyName("cpu_us_per_call")] IReadOnlyDictionary<string, double?> CpuMicrosecondsPerCall
);
