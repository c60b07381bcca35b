using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using RecServices.ServiceDefaults.Telemetry;

namespace RecServices.Gateway.Services;

/// <summary>
/// The gateway's instruments: <c>recs.gateway.filtered_candidates</c>, the candidates left per request after
/// filtering seen items (what goes to ranking), and <c>recs.gateway.degraded_responses</c>, the Recommend answers
/// served degraded, by the failed dependency (<c>recs.dependency</c>) and its status (<c>rpc.response.status_code</c>),
/// and <c>recs.gateway.rate_limited_writes</c>, writes refused by the per-caller rate limit.
/// </summary>
public sealed class GatewayMetrics
{
    public const string FilteredCandidates = "recs.gateway.filtered_candidates";
    public const string DegradedResponses = "recs.gateway.degraded_responses";
    public const string RateLimitedWrites = "recs.gateway.rate_limited_writes";

    private readonly Histogram<int> _filtered;
    private readonly Counter<long> _degraded;
    private readonly Counter<long> _rateLimited;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(RecsTelemetry.MeterName);
        _filtered = meter.CreateHistogram(
            FilteredCandidates,
            "{candidate}",
            "Candidates per request after filtering seen items",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = RecsTelemetry.CandidateBuckets }
        );
        _degraded = meter.CreateCounter<long>(
            DegradedResponses,
            "{response}",
            "Recommend answers served degraded because a dependency failed"
        );
        _rateLimited = meter.CreateCounter<long>(
            RateLimitedWrites,
            "{call}",
            "RecordInteraction calls refused with RESOURCE_EXHAUSTED: the caller was past its write rate limit"
        );
    }

    public void RecordRateLimited() => _rateLimited.Add(1);

    public void RecordFiltered(int candidates) => _filtered.Record(candidates);

    public void RecordDegraded(string dependency, StatusCode status) =>
        _degraded.Add(
            1,
            new TagList
            {
                { RecsTelemetry.Dependency, dependency },
                { RecsTelemetry.RpcResponseStatusCode, RpcMetrics.StatusName(status) },
            }
        );
}
