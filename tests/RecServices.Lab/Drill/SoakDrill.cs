using System.Text.Json.Serialization;
using Grpc.Core;
using RecServices.Lab.Load;
using RecServices.LocalSystem;

namespace RecServices.Lab.Drill;

/// <summary>
/// A soak: the gateway's saturation throughput (after a warm-up), then a share of it (70 %) offered open loop for a
/// long time (10 minutes), in windows (a minute): each window's p50/p99 (from each call's scheduled start), every
/// process's resident memory sampled through each window and averaged, and the bytes each process logged per call,
/// at the services' default log levels. The figures that matter: p99 of the last window over the first, memory
/// growth from the first window's mean to the last's, and log bytes per call.
/// </summary>
public sealed class SoakDrill(LocalServices services, IReadOnlyList<string> users)
{
    public async Task<SoakReport> RunAsync(
        double share,
        TimeSpan duration,
        TimeSpan window,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        using var calls = new GatewayCalls(services.GatewayAddress, users, TimeSpan.FromSeconds(1));
        // Warm first (tiered compilation): a saturation measured on cold code would set the offered rate too low.
        await calls.SaturationAsync(32, TimeSpan.FromSeconds(Math.Min(10, duration.TotalSeconds)), cancellationToken);
        var saturation = await calls.SaturationAsync(32, TimeSpan.FromSeconds(15), cancellationToken);
        var rate = saturation.ThroughputRps * share;
        var windows = (int)Math.Ceiling(duration / window);
        output.WriteLine(
            $"saturation: {saturation.ThroughputRps} answers/s; offering {rate:F0}/s for "
                + $"{duration.TotalSeconds} s in {windows} windows"
        );

        var latencies = Enumerable.Range(0, windows).Select(_ => new List<double>()).ToArray();
        var failed = new long[windows];
        var logBefore = services.Processes.Select(p => p.OutputBytes).ToArray();
        var memory = new List<ResidentWindow[]>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = Task.Run(
            () => SampleMemoryAsync(windows, window, memory, output, stop.Token),
            CancellationToken.None
        );

        await OfferAsync(calls, rate, duration, window, latencies, failed, cancellationToken);
        await sampler;

        var summaries = latencies
            .Select(l => LoadSummary.From(l, new Dictionary<StatusCode, long>(), window.TotalSeconds))
            .ToArray();
        var answered = latencies.Sum(l => l.Count) + failed.Sum();
        var processes = ProcessesOf(memory, logBefore, answered);
        return new SoakReport(
            saturation.ThroughputRps,
            share,
            Math.Round(rate, 1),
            duration.TotalSeconds,
            window.TotalSeconds,
            answered,
            failed.Sum(),
            [.. summaries.Select((s, w) => new SoakWindow(w + 1, s.Requests, failed[w], s.P50Ms, s.P99Ms))],
            Math.Round(summaries[^1].P99Ms / summaries[0].P99Ms, 3),
            processes
        );
    }

    /// <summary>
    /// Recommend offered open loop at <paramref name="rate"/>: each answer's latency, or a failure, counted in the
    /// window it was due in; the seconds the schedule took.
    /// </summary>
    private static Task<double> OfferAsync(
        GatewayCalls calls,
        double rate,
        TimeSpan duration,
        TimeSpan window,
        List<double>[] latencies,
        long[] failed,
        CancellationToken cancellationToken
    ) =>
        OpenLoop.RunAsync(
            n => calls.RecommendAsync(n),
            rate,
            duration,
            (due, status, ms) =>
            {
                var w = Math.Min(latencies.Length - 1, (int)(due / window.TotalSeconds));
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
            },
            cancellationToken
        );

    /// <summary>
    /// Each process's resident memory in the first and the last window (means) and its growth, and the log bytes it
    /// wrote per answered call.
    /// </summary>
    private SoakProcess[] ProcessesOf(List<ResidentWindow[]> memory, long[] logBefore, long answered) =>
        services
            .Processes.Select(
                (p, i) =>
                    new SoakProcess(
                        p.Name,
                        memory[0][i].MeanBytes >> 20,
                        memory[^1][i].MeanBytes >> 20,
                        Math.Round(
                            100.0 * (memory[^1][i].MeanBytes - memory[0][i].MeanBytes) / memory[0][i].MeanBytes,
                            1
                        ),
                        Math.Round((double)(p.OutputBytes - logBefore[i]) / answered, 2)
                    )
            )
            .ToArray();

    /// <summary>
    /// Every process's resident memory, sampled every few seconds (at least four times a window) and averaged per
    /// window: a managed heap's resident size saws up and down between collections by several per cent, so one
    /// reading at a window's end says more about where the sawtooth was than about growth.
    /// </summary>
    private async Task SampleMemoryAsync(
        int windows,
        TimeSpan window,
        List<ResidentWindow[]> memory,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var every = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, window.Ticks / 4));
        var perWindow = (int)Math.Round(window / every);
        for (var w = 0; w < windows; w++)
        {
            var samples = new List<ResidentBytes[]>();
            for (var s = 0; s < perWindow; s++)
            {
                await Task.Delay(every, cancellationToken);
                samples.Add([.. services.Processes.Select(p => p.Resident())]);
            }

            var means = services
                .Processes.Select(
                    (_, i) =>
                        new ResidentWindow(
                            (long)samples.Average(r => r[i].Total),
                            (long)samples.Average(r => r[i].Anonymous),
                            samples.Max(r => r[i].Total)
                        )
                )
                .ToArray();
            memory.Add(means);
            var perProcess = means.Select(m =>
                string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"{m.MeanBytes >> 20} ({m.AnonymousMeanBytes >> 20}; {m.MaxBytes >> 20})"
                )
            );
            output.WriteLine(
                $"window {w + 1}/{windows}: resident MB, mean of {samples.Count} samples (anonymous: "
                    + $"heaps, ONNX Runtime; max) {string.Join(", ", perProcess)}"
            );
        }
    }

    private sealed record ResidentWindow(long MeanBytes, long AnonymousMeanBytes, long MaxBytes);
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
    [property: JsonPropertyName("processes")] IReadOnlyList<SoakProcess> Processes
);

/// <summary>One window of a soak: calls answered and failed, and the answered calls' latency.</summary>
public sealed record SoakWindow(
    [property: JsonPropertyName("window")] int Window,
    [property: JsonPropertyName("answered")] long Answered,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("p50_ms")] double P50Ms,
    [property: JsonPropertyName("p99_ms")] double P99Ms
);

/// <summary>
/// One process over a soak: its mean resident memory over the first window and over the last, and log bytes per
/// call.
/// </summary>
public sealed record SoakProcess(
    [property: JsonPropertyName("process")] string Process,
    [property: JsonPropertyName("resident_first_mb")] long ResidentFirstMb,
    [property: JsonPropertyName("resident_last_mb")] long ResidentLastMb,
    [property: JsonPropertyName("resident_growth_percent")] double ResidentGrowthPercent,
    [property: JsonPropertyName("log_bytes_per_call")] double LogBytesPerCall
);
