using System.Diagnostics;
using System.Diagnostics.Metrics;
using RecServices.ServiceDefaults.Telemetry;

namespace RecServices.BundleServing;

/// <summary>
/// The bundle's instruments: <c>recs.bundle.serving</c> (1 with the version served as <c>recs.bundle.version</c>:
/// an info gauge), <c>recs.bundle.reloads</c> by <c>recs.outcome</c> (loaded, refused) and
/// <c>recs.bundle.load.duration</c>.
/// </summary>
internal sealed class BundleMetrics
{
    public const string Serving = "recs.bundle.serving";
    public const string Reloads = "recs.bundle.reloads";
    public const string LoadDuration = "recs.bundle.load.duration";
    public const string Outcome = "recs.outcome";

    private readonly Counter<long> _reloads;
    private readonly Histogram<double> _duration;
    private volatile string? _version;

    public BundleMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(RecsTelemetry.MeterName);
        meter.CreateObservableGauge(
            Serving,
            Observe,
            "{version}",
            "1 for the bundle version this process serves (attribute recs.bundle.version)"
        );
        _reloads = meter.CreateCounter<long>(
            Reloads,
            "{reload}",
            "Bundle versions loaded (the first one included) or refused, by outcome"
        );
        _duration = meter.CreateHistogram(
            LoadDuration,
            "s",
            "Time to load and validate one bundle version",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
            }
        );
    }

    public void Loaded(string version, double seconds)
    {
        _version = version;
        _reloads.Add(1, new KeyValuePair<string, object?>(Outcome, "loaded"));
        _duration.Record(seconds);
    }

    public void Refused() => _reloads.Add(1, new KeyValuePair<string, object?>(Outcome, "refused"));

    private IEnumerable<Measurement<int>> Observe() =>
        _version is { } version
            ? [new Measurement<int>(1, new TagList { { RecsTelemetry.BundleVersion, version } })]
            : [];
}
