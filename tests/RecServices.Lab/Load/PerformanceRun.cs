using System.Globalization;
using System.Text.Json.Serialization;
using RecServices.Core.Bundles;
using RecServices.LocalSystem;

namespace RecServices.Lab.Load;

/// <summary>
/// <c>recs-lab load --spawn … --cost-model | --rate R… | --rate-shares S…</c>: the three services started on loopback, then
/// the cost model (<see cref="HopCostModel"/>) and/or Recommend at fixed arrival rates (<see cref="FixedRate"/>), given
/// or as shares of the saturation throughput measured first in the same run.
/// </summary>
public sealed class PerformanceRun(
    bool costModel,
    IReadOnlyList<double> rates,
    IReadOnlyList<double> shares,
    int saturationConcurrency,
    LoadSettings settings
)
{
    public async Task<PerformanceReport> RunAsync(
        string spawnPath,
        string store,
        Bundle bundle,
        IReadOnlyList<string> users,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        if (
            saturationConcurrency is < 1 or > 4096
            || rates.Any(r => r is <= 0 or > 1_000_000 || double.IsNaN(r))
            || shares.Any(s => s is <= 0 or > 2 || double.IsNaN(s))
        )
        {
            throw new ArgumentException(
                "--saturation-concurrency must be 1 to 4096, each --rate more than 0 and at most 1000000 "
                    + "calls/s, each --rate-shares more than 0 and at most 2"
            );
        }

        await using var services = await LocalServices.StartAsync(spawnPath, store, output, cancellationToken);
        var warmup = TimeSpan.FromSeconds(settings.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(settings.DurationSeconds);
        CostModelReport? model = null;
        if (costModel)
        {
            model = await new HopCostModel(services, bundle, output).RunAsync(
                saturationConcurrency == 1 ? [1] : [saturationConcurrency, 1],
                warmup,
                duration,
                settings.Count,
                cancellationToken
            );
            output.WriteLine(HopCostModel.Table(model));
        }

        if (rates.Count == 0 && shares.Count == 0)
        {
            return new PerformanceReport(model, null, []);
        }

        var (saturation, rows) = await FixedRatesAsync(services, users, warmup, duration, output, cancellationToken);
        return new PerformanceReport(model, saturation, rows);
    }

    /// <summary>
    /// Recommend warmed up at the saturation concurrency, its saturation throughput measured when shares of it are
    /// asked for, then each rate offered open loop in turn.
    /// </summary>
    private async Task<(LoadSummary? Saturation, List<FixedRateRow> Rows)> FixedRatesAsync(
        LocalServices services,
        IReadOnlyList<string> users,
        TimeSpan warmup,
        TimeSpan duration,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        using var load = new LoadTarget(services.GatewayAddress, users, [], settings.Count);
        var cpu = CpuWindow.Of(services);
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"Recommend: warm-up {settings.WarmupSeconds} s at concurrency {saturationConcurrency}"
            )
        );
        await ClosedLoop.RunAsync(load.RecommendAsync, saturationConcurrency, warmup, cancellationToken);
        LoadSummary? saturation = null;
        var offered = rates.Select(r => (Share: (double?)null, Rate: r)).ToList();
        if (shares.Count > 0)
        {
            saturation = await ClosedLoop.RunAsync(
                load.RecommendAsync,
                saturationConcurrency,
                duration,
                cancellationToken
            );
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"saturation: {saturation.ThroughputRps:F0} answers/s at concurrency "
                        + $"{saturationConcurrency} (p50 {saturation.P50Ms:F3} ms)"
                )
            );
            offered.AddRange(shares.Select(s => ((double?)s, s * saturation.ThroughputRps)));
        }

        var rows = new List<FixedRateRow>();
        foreach (var (share, rate) in offered)
        {
            var row = await FixedRate.RunAsync(load.RecommendAsync, rate, duration, cpu, share, cancellationToken);
            rows.Add(row);
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{rate:F0}/s offered: {row.AnsweredRps:F0}/s answered, {row.Failed} failed, p50 "
                        + $"{row.P50Ms:F3} ms, p99 {row.P99Ms:F3} ms"
                )
            );
        }

        output.WriteLine(FixedRate.Table(rows));
        return (saturation, rows);
    }
}

/// <summary>What <c>recs-lab load --cost-model/--rate/--rate-shares --json</c> writes.</summary>
public sealed record PerformanceReport(
    [property: JsonPropertyName("cost_model"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        CostModelReport? CostModel,
    [property: JsonPropertyName("saturation"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        LoadSummary? Saturation,
    [property: JsonPropertyName("fixed_rate")] IReadOnlyList<FixedRateRow> FixedRate
);
