using System.Text.Json.Serialization;
using Grpc.Core;
using RecServices.Cli.Hosting;
using RecServices.Cli.Load;

namespace RecServices.Cli.Drill;

/// <summary>
/// A soak: the gateway's saturation throughput, then a share of it (70 %) offered open loop for a long time (10
/// minutes), in windows (a minute): each window's p50/p99 (from each call's scheduled start), every process's
/// resident memory at the end of each window, and the bytes each process logged per call, at the services' default
/// log levels. The figures that matter: p99 of the last window over the first, memory growth from the end of the
/// first window to the end, and log bytes per call.
/// </summary>
public sealed class SoakDrill(LocalServices services, IReadOnlyList<string> users)
{
    public async Task<SoakReport> RunAsync(double share, TimeSpan duration, TimeSpan window, TextWriter output, CancellationToken cancellationToken)
    {
        using var calls = new GatewayCalls(services.GatewayAddress, users, TimeSpan.FromSeconds(1));
        var saturation = await calls.SaturationAsync(32, TimeSpan.FromSeconds(15), cancellationToken);
        var rate = saturation.ThroughputRps * share;
        var windows = (int)Math.Ceiling(duration / window);
        output.WriteLine($"saturation: {saturation.ThroughputRps} answers/s; offering {rate:F0}/s for {duration.TotalSeconds} s in {windows} windows");

        var latencies = Enumerable.Range(0, windows).Select(_ => new List<double>()).ToArray();
        var failed = new long[windows];
        var logBefore = services.Processes.Select(p => p.OutputBytes).ToArray();
        var memory = new List<long[]>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = Task.Run(async () =>
        {
            for (var w = 0; w < windows; w++)
            {
                await Task.Delay(window, stop.Token);
                var resident = services.Processes.Select(p => p.Resident()).ToList();
                memory.Add([.. resident.Select(r => r.Total)]);
                output.WriteLine($"window {w + 1}/{windows}: resident MB (anonymous: heaps, ONNX Runtime) {string.Join(", ", resident.Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Total >> 20} ({r.Anonymous >> 20})")))}");
            }
        }, CancellationToken.None);

        await OpenLoop.RunAsync(n => calls.RecommendAsync(n), rate, duration, (due, status, ms) =>
        {
            var w = Math.Min(windows - 1, (int)(due / window.TotalSeconds));
            lock (latencies[w])
            {
                if (status == StatusCode.OK)
                {
                    latencies[w].Add(ms);
                }
                else
                {
                    failed[w]++;
                }
            }
        }, cancellationToken);
        await sampler;

        var summaries = latencies.Select(l => LoadSummary.From(l, new Dictionary<StatusCode, long>(), window.TotalSeconds)).ToArray();
        var answered = latencies.Sum(l => l.Count) + failed.Sum();
        var processes = services.Processes.Select((p, i) => new SoakProcess(
            p.Name,
            memory[0][i] >> 20,
            memory[^1][i] >> 20,
            Math.Round(100.0 * (memory[^1][i] - memory[0][i]) / memory[0][i], 1),
            Math.Round((double)(p.OutputBytes - logBefore[i]) / answered, 2))).ToArray();
        return new SoakReport(saturation.ThroughputRps, share, Math.Round(rate, 1), duration.TotalSeconds, window.TotalSeconds, answered, failed.Sum(),
            [.. summaries.Select((s, w) => new SoakWindow(w + 1, s.Requests, failed[w], s.P50Ms, s.P99Ms))],
            Math.Round(summaries[^1].P99Ms / summaries[0].P99Ms, 3), processes);
    }
}

/// <summary>What a long run at a steady share of saturation did to latency, memory and logs.</summary>
public sealed record SoakReport(
    [property: JsonPropertyName("saturation_rps")] double SaturationRps,
    [property: JsonPropertyName("share")] double Share,
    [property: JsonPropertyName("offered_rps")] double OfferedRps,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("window_s")] double WindowSeconds,
    [property: JsonPropertyName("calls")] long Calls,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("windows")] IReadOnlyList<SoakWindow> Windows,
    [property: JsonPropertyName("p99_last_over_first")] double P99Drift,
    [property: JsonPropertyName("processes")] IReadOnlyList<SoakProcess> Processes);

/// <summary>One window of a soak: calls answered and failed, and the answered calls' latency.</summary>
public sealed record SoakWindow(
    [property: JsonPropertyName("window")] int Window,
    [property: JsonPropertyName("answered")] long Answered,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("p50_ms")] double P50Ms,
    [property: JsonPropertyName("p99_ms")] double P99Ms);

/// <summary>One process over a soak: resident memory at the end of the first window and at the end, and log bytes per call.</summary>
public sealed record SoakProcess(
    [property: JsonPropertyName("process")] string Process,
    [property: JsonPropertyName("resident_first_mb")] long ResidentFirstMb,
    [property: JsonPropertyName("resident_last_mb")] long ResidentLastMb,
    [property: JsonPropertyName("resident_growth_percent")] double ResidentGrowthPercent,
    [property: JsonPropertyName("log_bytes_per_call")] double LogBytesPerCall);
