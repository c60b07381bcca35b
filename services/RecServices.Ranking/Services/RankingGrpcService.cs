using System.Buffers;
using Grpc.Core;
using RecServices.Contracts.Ranking.V1;
using RecServices.Serving.Ranking;
using RecServices.ServiceDefaults;

namespace RecServices.Ranking.Services;

/// <summary>The RankingService RPCs: validate, map ids, rank once, stream the result best first.</summary>
public sealed class RankingGrpcService(Readiness<RankingState> readiness) : RankingService.RankingServiceBase
{
    /// <summary>The most candidates one request may carry.</summary>
    public const int MaxCandidates = 10_000;

    public override async Task RankCandidates(RankCandidatesRequest request, IServerStreamWriter<RankCandidatesResponse> responseStream, ServerCallContext context)
    {
        var state = readiness.Value ?? throw new RpcException(new Status(StatusCode.Unavailable, readiness.Status));
        RequestChecks.Ids(request.HistoryItemIds, "history_item_ids");
        RequestChecks.Ids(request.CandidateItemIds, "candidate_item_ids");
        RequestChecks.Count(request.CandidateItemIds.Count, MaxCandidates, "the number of candidate_item_ids", "at least one");
        RequestChecks.Count(request.TopCount, MaxCandidates, "top_count", "0 means all candidates");
        if (request.Age is < 0 or > 150)
        {
            throw RequestChecks.Invalid($"age must be between 0 and 150 (0 = unknown); got {request.Age}");
        }

        if (request.Gender is not ("" or "M" or "F"))
        {
            throw RequestChecks.Invalid($"gender must be \"M\", \"F\" or empty; got \"{request.Gender}\"");
        }

        var index = state.Bundle.Catalog.Index;
        var history = request.HistoryItemIds.Where(index.ContainsKey).Select(id => index[id]).ToArray();
        var candidates = ArrayPool<int>.Shared.Rent(request.CandidateItemIds.Count);
        var unknown = new List<string>();
        var count = 0;
        foreach (var id in request.CandidateItemIds)
        {
            if (index.TryGetValue(id, out var item))
            {
                candidates[count++] = item;
            }
            else
            {
                unknown.Add(id);
            }
        }

        var top = request.TopCount == 0 ? count : Math.Min(request.TopCount, count);
        var ranked = ArrayPool<RankedItem>.Shared.Rent(Math.Max(1, top));
        try
        {
            var profile = new UserProfile(history, request.Age == 0 ? null : request.Age, request.Gender.Length == 0 ? null : request.Gender);
            var n = state.Ranker.Rank(profile, candidates.AsSpan(0, count), ranked.AsSpan(0, top));
            for (var i = 0; i < n; i++)
            {
                await responseStream.WriteAsync(new RankCandidatesResponse
                {
                    ItemId = state.Bundle.Catalog.Items[ranked[i].Item].Id,
                    Score = ranked[i].Score,
                    Rank = i + 1,
                }, context.CancellationToken);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(candidates);
            ArrayPool<RankedItem>.Shared.Return(ranked);
        }

        if (unknown.Count > 0)
        {
            var report = new RankCandidatesResponse();
            report.UnknownItemIds.AddRange(unknown);
            await responseStream.WriteAsync(report, context.CancellationToken);
        }
    }
}
