using System.Diagnostics;
using System.Diagnostics.Metrics;
using RecServices.Contracts.Gateway.V1;
using RecServices.ServiceDefaults.Telemetry;
using RecServices.Serving.Retrieval;

namespace RecServices.Retrieval.Services;

/// <summary>
/// Retrieval's instruments: <c>recs.retrieval.candidates</c>, the proposals each candidate source made per request
/// (attribute <c>recs.candidate_source</c>), and <c>recs.retrieval.merged_candidates</c>, the candidates answered
/// after merging duplicates and removing excluded items.
/// </summary>
public sealed class RetrievalMetrics
{
    public const string Candidates = "recs.retrieval.candidates";
    public const string MergedCandidates = "recs.retrieval.merged_candidates";

    private static readonly SourceKind[] Kinds = Enum.GetValues<SourceKind>();
    private readonly Histogram<int> _candidates;
    private readonly Histogram<int> _merged;

    public RetrievalMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(RecsTelemetry.MeterName);
        var advice = new InstrumentAdvice<int> { HistogramBucketBoundaries = RecsTelemetry.CandidateBuckets };
        _candidates = meter.CreateHistogram(
            Candidates,
            "{candidate}",
            "Candidates proposed per request by each candidate source",
            advice: advice
        );
        _merged = meter.CreateHistogram(
            MergedCandidates,
            "{candidate}",
            "Candidates per request after merging and exclusion",
            advice: advice
        );
    }

    public void Record(CandidateSet set)
    {
        foreach (var kind in Kinds)
        {
            _candidates.Record(
                set.ProposalsFrom(kind),
                new TagList { { RecsTelemetry.CandidateSource, SourceHit.NameOf(kind) } }
            );
        }

        _merged.Record(set.Count);
    }
}
