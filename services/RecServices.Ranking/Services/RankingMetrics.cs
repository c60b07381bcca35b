using System.Diagnostics.Metrics;
using RecServices.ServiceDefaults.Telemetry;
using RecServices.Serving.Ranking;

namespace RecServices.Ranking.Services;

/// <summary>
/// Ranking's instruments: <c>recs.ranking.inference.duration</c> (one user-tower run in ONNX Runtime, seconds)
/// and <c>recs.ranking.scoring.duration</c> (V_u · V_m for every candidate plus the top-k, seconds).
/// </summary>
public sealed class RankingMetrics
{
    public const string InferenceDuration = "recs.ranking.inference.duration";
    public const string ScoringDuration = "recs.ranking.scoring.duration";

    private readonly Histogram<double> _inference;
    private readonly Histogram<double> _scoring;

    public RankingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(RecsTelemetry.MeterName);
        var advice = new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries =
            [
                0.000005,
                0.00001,
                0.000025,
                0.00005,
                0.0001,
                0.00025,
                0.0005,
                0.001,
                0.0025,
                0.005,
                0.01,
                0.05,
            ],
        };
        _inference = meter.CreateHistogram(
            InferenceDuration,
            "s",
            "Duration of one user-tower inference",
            advice: advice
        );
        _scoring = meter.CreateHistogram(
            ScoringDuration,
            "s",
            "Duration of scoring the candidates and selecting the top-k",
            advice: advice
        );
    }

    public void Record(RankTimings timings)
    {
        _inference.Record(timings.Inference.TotalSeconds);
        _scoring.Record(timings.Scoring.TotalSeconds);
    }
}
