using System.Buffers;
using System.Runtime.InteropServices;
using Grpc.Core;
using RecServices.BundleServing;
using RecServices.Contracts.Ranking.V1;
using RecServices.GrpcHardening;
using RecServices.Serving.Ranking;

namespace RecServices.Ranking.Services;

/// <summary>
/// The RankingService RPCs: validate, map ids (or take the indexes of a caller pinned to the version), rank once,
/// stream the result best first.
/// </summary>
public sealed class RankingGrpcService(Readiness<RankingState> readiness, RankingMetrics metrics, TimeProvider time)
    : RankingService.RankingServiceBase
{
    /// <summary>The most candidates one request may carry.</summary>
    public const int MaxCandidates = 10_000;

    public override async Task RankCandidates(
        RankCandidatesRequest request,
        IServerStreamWriter<RankCandidatesResponse> responseStream,
        ServerCallContext context
    )
    {
        var state = Checked(request);
        RequestChecks.StillWanted(context, time);
        var ask = RankAsk.From(request, state.Bundle.Catalog);
        await WriteRankedAsync(state, ask, responseStream, context.CancellationToken);
        if (ask.Unknown.Count > 0)
        {
            var report = new RankCandidatesResponse();
            report.UnknownItemIds.AddRange(ask.Unknown);
            await responseStream.WriteAsync(report, context.CancellationToken);
        }
    }

    /// <summary>The request's fields checked, each failure naming its field; the state pinned to its version.</summary>
    private RankingState Checked(RankCandidatesRequest request)
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
        var state = readiness.Pinned(request.BundleVersion);
        var catalogCount = state.Bundle.Catalog.Count;
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
        if (asked is 0 or > MaxCandidates)
        {
            throw RequestChecks.Invalid(
                "candidate_item_ids",
                $"send 1 to {MaxCandidates} candidates in candidate_item_ids or candidate_item_indexes; got {asked}"
            );
        }

        RequestChecks.Count(request.TopCount, MaxCandidates, "top_count", "0 means all candidates");
        RequestChecks.Profile(request.Age, request.Gender);
        return state;
    }

    /// <summary>
    /// Ranks the candidates once and streams the top, best first; the whole list is ready, so the messages are
    /// buffered and the end of the call flushes them together.
    /// </summary>
    private async Task WriteRankedAsync(
        RankingState state,
        RankAsk ask,
        IServerStreamWriter<RankCandidatesResponse> responseStream,
        CancellationToken cancellationToken
    )
    {
        var ranked = ArrayPool<RankedItem>.Shared.Rent(Math.Max(1, ask.Top));
        try
        {
            var n = state.Ranker.Rank(
                ask.Profile,
                CollectionsMarshal.AsSpan(ask.Candidates),
                ranked.AsSpan(0, ask.Top),
                out var timings
            );
            metrics.Record(timings);
            responseStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
            for (var i = 0; i < n; i++)
            {
                await responseStream.WriteAsync(
                    new RankCandidatesResponse
                    {
                        ItemId = state.Bundle.Catalog.IdOf(ranked[i].Item),
                        ItemIndex = ranked[i].Item,
                        Score = ranked[i].Score,
                        Rank = i + 1,
                    },
                    cancellationToken
                );
            }
        }
        finally
        {
            ArrayPool<RankedItem>.Shared.Return(ranked);
        }
    }
}
