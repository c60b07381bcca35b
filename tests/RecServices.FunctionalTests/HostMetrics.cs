using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace RecServices.FunctionalTests;

/// <summary>
/// What one host's own MeterProvider exports, through a reader added next to the host's Prometheus (and OTLP)
/// exporters. Exports only when <see cref="Collect"/> asks, on the asking thread (a reader without a background
/// thread: a snapshot taken when asked, never an older one left by an export that did not run).
/// </summary>
public sealed class HostMetrics
{
    private readonly List<MetricSnapshot> _exported = [];

    /// <summary>The registration for <c>*App.Build</c>'s configureServices: every host gets its own.</summary>
    public static void AddTo(IServiceCollection services)
    {
        var metrics = new HostMetrics();
        services.AddSingleton(metrics);
        services.ConfigureOpenTelemetryMeterProvider(provider =>
            provider.AddReader(new BaseExportingMetricReader(new SnapshotExporter(metrics._exported)))
        );
    }

    /// <summary>
    /// Flushes the host's provider and returns its latest snapshot of each metric (they are cumulative).
    /// </summary>
    public static IReadOnlyDictionary<string, MetricSnapshot> Collect(WebApplication host)
    {
        var metrics = host.Services.GetRequiredService<HostMetrics>();
        // Prometheus' pull reader has nothing to flush to and answers false; this reader exports regardless.
        host.Services.GetRequiredService<MeterProvider>().ForceFlush(60_000);
        lock (metrics._exported)
        {
            return metrics._exported.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last());
        }
    }

    /// <summary>
    /// The points of <paramref name="metric"/> whose attributes include every pair in <paramref name="attributes"/>.
    /// </summary>
    public static List<MetricPoint> Points(MetricSnapshot metric, params (string Key, object Value)[] attributes)
    {
        var points = new List<MetricPoint>();
        foreach (var point in metric.MetricPoints)
        {
            var tags = Tags(point);
            if (attributes.All(a => tags.TryGetValue(a.Key, out var value) && Equals(value, a.Value)))
            {
                points.Add(point);
            }
        }

        return points;
    }

    public static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }

    /// <summary>Copies each exported metric as it is now (the SDK reuses its metric objects).</summary>
    private sealed class SnapshotExporter(List<MetricSnapshot> exported) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            lock (exported)
            {
                foreach (var metric in batch)
                {
                    exported.Add(new MetricSnapshot(metric));
                }
            }

            return ExportResult.Success;
        }
    }
}
