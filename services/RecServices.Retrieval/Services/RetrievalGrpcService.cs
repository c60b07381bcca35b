using Grpc.Core;
using RecServices.Contracts.Retrieval.V1;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;
using RecServices.ServiceDefaults;

namespace RecServices.Retrieval.Services;

/// <summary>The RetrievalService RPCs: validate, map ids to the bundle's item indices, generate, map back.</summary>
public sealed class RetrievalGrpcService(Readiness<RetrievalState> readiness, RetrievalMetrics metrics) : RetrievalService.RetrievalServiceBase
{
    public override Task<GetCandidatesResponse> GetCandidates(GetCandidatesRequest request, ServerCallContext context)
    {
        RequestChecks.Text(request.BundleVersion, "bundle_version", RequestChecks.MaxIdLength);
        var state = readiness.Pinned(request.BundleVersion);
        var limits = state.Generator.Options;
        RequestChecks.Count(request.MaxCandidateCount, limits.MaxCandidatesLimit, "max_candidate_count", $"0 means the default ({limits.DefaultMaxCandidates})");
        RequestChecks.Ids(request.RecentItemIds, "recent_item_ids");
        RequestChecks.Ids(request.ExcludedItemIds, "excluded_item_ids");
        RequestChecks.Ids(request.TopGenres, "top_genres");
        RequestChecks.Text(request.Country, "country", 64);
        RequestChecks.Profile(request.Age, request.Gender);

        var catalog = state.Bundle.Catalog;
        var unknown = new List<string>();
        var recent = new List<int>(request.RecentItemIds.Count);
        catalog.Resolve(request.RecentItemIds, recent, unknown);
        var history = new List<int>(request.ExcludedItemIds.Count);
        catalog.Resolve(request.ExcludedItemIds, history, unknown);

        var max = request.MaxCandidateCount == 0 ? limits.DefaultMaxCandidates : request.MaxCandidateCount;
        var profile = new UserProfile([.. history], request.Age == 0 ? null : request.Age, request.Gender.Length == 0 ? null : request.Gender);
        var user = new UserContext(recent, request.TopGenres, string.IsNullOrEmpty(request.Country) ? null : request.Country, history.ToHashSet(), profile);
        var set = state.Generator.Generate(user, max);
        metrics.Record(set);

        var response = new GetCandidatesResponse { BundleVersion = state.Bundle.Manifest.Version };
        response.UnknownItemIds.AddRange(unknown.Distinct(StringComparer.Ordinal));
        CandidateColumns.Write(set, catalog, response);
        return Task.FromResult(response);
    }
}
