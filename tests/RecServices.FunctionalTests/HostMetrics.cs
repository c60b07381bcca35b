using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace RecServices.FunctionalTests;

/// <summary>
/// What one host's own MeterProvider exports, through OpenTelemetry's in-memory exporter added next to the
/// host's Prometheus (and OTLP) exporters. Exports only when <see cref="Collect"/> asks.
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
            provider.AddInMemoryExporter(
                metrics._exported,
                reader => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = int.MaxValue
            )
        );
    }

    /// <summary>
    /// Flushes the host's provider and returns its latest snapshot of each metric (they are cumulative).
    /// </summary>
    public static IReadOnlyDictionary<string, MetricSnapshot> Collect(WebApplication host)
    {
        var metrics = host.Services.GetRequiredService<HostMetrics>();
        // Prometheus' pull reader has nothing to flush to and answers false; the in-memory reader exports regardless.
        host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);
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
}
