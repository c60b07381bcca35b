using System.Buffers;
using System.Runtime.InteropServices;
using Grpc.Core;
using RecServices.Contracts.Ranking.V1;
using RecServices.ServiceDefaults;
using RecServices.Serving.Ranking;

namespace RecServices.Ranking.Services;

/// <summary>
/// The RankingService RPCs: validate, map ids (or take the indexes of a caller pinned to the version), rank once,
/// stream the result best first.
/// </summary>
public sealed class RankingGrpcService(Readiness<RankingState> readiness, RankingMetrics metrics)
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
        var catalog = state.Bundle.Catalog;
        RequestChecks.Ids(request.HistoryItemIds, "history_item_ids");
        RequestChecks.Ids(request.CandidateItemIds, "candidate_item_ids");
        RequestChecks.Indexes(request.HistoryItemIndexes, catalog.Count, "history_item_indexes", request.BundleVersion);
        RequestChecks.Indexes(
            request.CandidateItemIndexes,
            catalog.Count,
            "candidate_item_indexes",
            request.BundleVersion
        );
        var asked = request.CandidateItemIds.Count + request.CandidateItemIndexes.Count;
        if (asked is 0 or > MaxCandidates)
        {
            throw RequestChecks.Invalid(
                $"send 1 to {MaxCandidates} candidates in candidate_item_ids or candidate_item_indexes; got {asked}"
            );
        }

        RequestChecks.Count(request.TopCount, MaxCandidates, "top_count", "0 means all candidates");
        RequestChecks.Profile(request.Age, request.Gender);

        var historyItems = new List<int>(request.HistoryItemIds.Count + request.HistoryItemIndexes.Count);
        catalog.Resolve(request.HistoryItemIds, historyItems);
        historyItems.AddRange(request.HistoryItemIndexes);
        var history = historyItems.ToArray();
        var candidates = new List<int>(request.CandidateItemIds.Count + request.CandidateItemIndexes.Count);
        var unknown = new List<string>();
        catalog.Resolve(request.CandidateItemIds, candidates, unknown);
        candidates.AddRange(request.CandidateItemIndexes);
        Distinct(candidates);
        var count = candidates.Count;

        var top = request.TopCount == 0 ? count : Math.Min(request.TopCount, count);
        var ranked = ArrayPool<RankedItem>.Shared.Rent(Math.Max(1, top));
        try
        {
            var profile = new UserProfile(
                history,
                request.Age == 0 ? null : request.Age,
                request.Gender.Length == 0 ? null : request.Gender
            );
            var n = state.Ranker.Rank(
                profile,
                CollectionsMarshal.AsSpan(candidates),
                ranked.AsSpan(0, top),
                out var timings
            );
            metrics.Record(timings);

            // The whole list is ready: buffer the messages and let the end of the call flush them together.
            responseStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
            for (var i = 0; i < n; i++)
            {
                await responseStream.WriteAsync(
                    new RankCandidatesResponse
                    {
                        ItemId = catalog.IdOf(ranked[i].Item),
                        ItemIndex = ranked[i].Item,
                        Score = ranked[i].Score,
                        Rank = i + 1,
                    },
                    context.CancellationToken
                );
            }
        }
        finally
        {
            ArrayPool<RankedItem>.Shared.Return(ranked);
        }

        if (unknown.Count > 0)
        {
            var report = new RankCandidatesResponse();
            report.UnknownItemIds.AddRange(unknown);
            await responseStream.WriteAsync(report, context.CancellationToken);
        }
    }

    /// <summary>Keeps the first of each item, in order: an item sent twice is ranked once.</summary>
    private static void Distinct(List<int> items)
    {
        var seen = new HashSet<int>(items.Count);
        var kept = 0;
        for (var i = 0; i < items.Count; i++)
        {
            if (seen.Add(items[i]))
            {
                items[kept++] = items[i];
            }
        }

        items.RemoveRange(kept, items.Count - kept);
    }
}
