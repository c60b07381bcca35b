using Grpc.Core;
using RecServices.BundleServing;
using RecServices.Contracts.Ranking.V2;
using RecServices.GrpcHardening;
using RecServices.Serving.Wire;
using V1 = RecServices.Contracts.Ranking.V1;

namespace RecServices.Ranking.Services;

/// <summary>
/// <c>recservices.ranking.v1</c>, still served for callers built before v2 (a gateway of the previous release during a
/// rolling upgrade): its own checks, so that errors name v1's fields, then the request in v2's terms ranked by
/// <see cref="RankingGrpcService"/>, and the stream in v1's messages (each with id and index, then the unknown ids in a
/// message with an empty id).
/// </summary>
public sealed class RankingV1GrpcService(Readiness<RankingState> readiness, RankingGrpcService current)
    : V1.RankingService.RankingServiceBase
{
    public override async Task RankCandidates(
        V1.RankCandidatesRequest request,
        IServerStreamWriter<V1.RankCandidatesResponse> responseStream,
        ServerCallContext context
    )
    {
        Checked(request);
        using var ranked = current.Rank(V2Of(request), context);
        var catalog = ranked.State.Bundle.Catalog;
        responseStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
        for (var i = 0; i < ranked.Count; i++)
        {
            var (item, score) = ranked.Items[i];
            await responseStream.WriteAsync(
                new V1.RankCandidatesResponse
                {
                    ItemId = catalog.IdOf(item),
                    ItemIndex = item,
                    Score = score,
                    Rank = i + 1,
                },
                context.CancellationToken
            );
        }

        if (ranked.Ask.Unknown.Count > 0)
        {
            var report = new V1.RankCandidatesResponse { UnknownItemIds = { ranked.Ask.Unknown } };
            await responseStream.WriteAsync(report, context.CancellationToken);
        }
    }

    /// <summary>
    /// The fields v1 has and v2 has not (the id and index pairs) checked, each failure naming its v1 field; the
    /// others are v2's, checked by <see cref="RankingGrpcService"/> under the same names.
    /// </summary>
    private void Checked(V1.RankCandidatesRequest request)
    {
        RequestChecks.Text(request.BundleVersion, "bundle_version", RequestChecks.MaxIdLength);
        RequestChecks.IdsOrIndexes(
            request.HistoryItemIds.Count,
            request.HistoryItemIndexes.Count,
            "history_item_ids",
            "history_item_indexes",
            request.BundleVersion
        );
        RequestChecks.IdsOrIndexes(
            request.CandidateItemIds.Count,
            request.CandidateItemIndexes.Count,
            "candidate_item_ids",
            "candidate_item_indexes",
            request.BundleVersion
        );
        var catalogCount = readiness.Pinned(request.BundleVersion).Bundle.Catalog.Count;
        RequestChecks.Ids(request.HistoryItemIds, "history_item_ids");
        RequestChecks.Ids(request.CandidateItemIds, "candidate_item_ids");
        RequestChecks.Indexes(request.HistoryItemIndexes, catalogCount, "history_item_indexes", request.BundleVersion);
        RequestChecks.Indexes(
            request.CandidateItemIndexes,
            catalogCount,
            "candidate_item_indexes",
            request.BundleVersion
        );
        var asked = request.CandidateItemIds.Count + request.CandidateItemIndexes.Count;
        if (asked is 0 or > RankingGrpcService.MaxCandidates)
        {
            throw RequestChecks.Invalid(
                "candidate_item_ids",
                $"send 1 to {RankingGrpcService.MaxCandidates} candidates in candidate_item_ids or "
                    + $"candidate_item_indexes; got {asked}"
            );
        }
    }

    /// <summary>The v1 request in v2's terms (checked: a list comes as ids or as indexes).</summary>
    private static RankCandidatesRequest V2Of(V1.RankCandidatesRequest request) =>
        new()
        {
            BundleVersion = request.BundleVersion,
            History = ItemReferences.OfPair(request.HistoryItemIds, request.HistoryItemIndexes, request.BundleVersion),
            Candidates = ItemReferences.OfPair(
                request.CandidateItemIds,
                request.CandidateItemIndexes,
                request.BundleVersion
            ),
            TopCount = request.TopCount,
            Age = request.Age,
            Gender = request.Gender,
        };
}
