using Grpc.Core;
using RecServices.BundleServing;
using RecServices.Contracts.Retrieval.V1;
using RecServices.Core.Bundles;
using RecServices.GrpcHardening;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;

namespace RecServices.Retrieval.Services;

/// <summary>
/// The RetrievalService RPCs: validate, map ids to the bundle's item indices (or take the indexes of a caller
/// pinned to the version), generate, answer with ids or indexes.
/// </summary>
public sealed class RetrievalGrpcService(
    Readiness<RetrievalState> readiness,
    RetrievalMetrics metrics,
    TimeProvider time
) : RetrievalService.RetrievalServiceBase
{
    public override Task<GetCandidatesResponse> GetCandidates(GetCandidatesRequest request, ServerCallContext context)
    {
        var state = Checked(request);
        RequestChecks.StillWanted(context, time);
        var (user, unknown) = UserOf(request, state.Bundle.Catalog);
        var max =
            request.MaxCandidateCount == 0 ? state.Generator.Options.DefaultMaxCandidates : request.MaxCandidateCount;
        var set = state.Generator.Generate(user, max);
        metrics.Record(set);

        var response = new GetCandidatesResponse { BundleVersion = state.Bundle.Manifest.Version };
        response.UnknownItemIds.AddRange(unknown.Distinct(StringComparer.Ordinal));
#pragma warning disable CS0612 // a caller that sends only the deprecated field gets the kind it knows
        var legacy = request.TopCategories.Count == 0 && request.TopGenres.Count > 0;
#pragma warning restore CS0612
        CandidateColumns.Write(set, state.Bundle.Catalog, request.AnswerWithIndexes, response, legacy);
        return Task.FromResult(response);
    }

    /// <summary>The request's fields checked, each failure naming its field; the state pinned to its version.</summary>
    private RetrievalState Checked(GetCandidatesRequest request)
    {
        RequestChecks.Text(request.BundleVersion, "bundle_version", RequestChecks.MaxIdLength);
        RequestChecks.IdsOrIndexes(
            request.RecentItemIds.Count,
            request.RecentItemIndexes.Count,
            "recent_item_ids",
            "recent_item_indexes",
            request.BundleVersion
        );
        RequestChecks.IdsOrIndexes(
            request.ExcludedItemIds.Count,
            request.ExcludedItemIndexes.Count,
            "excluded_item_ids",
            "excluded_item_indexes",
            request.BundleVersion
        );
        if (request.AnswerWithIndexes && request.BundleVersion.Length == 0)
        {
            throw RequestChecks.Invalid(
                "bundle_version",
                "answer_with_indexes needs bundle_version: indexes are positions in one bundle's item "
                    + "table, so pin the version you hold"
            );
        }

        var state = readiness.Pinned(request.BundleVersion);
        var limits = state.Generator.Options;
        var catalog = state.Bundle.Catalog;
        RequestChecks.Count(
            request.MaxCandidateCount,
            limits.MaxCandidatesLimit,
            "max_candidate_count",
            $"0 means the default ({limits.DefaultMaxCandidates})"
        );
        RequestChecks.Ids(request.RecentItemIds, "recent_item_ids");
        RequestChecks.Ids(request.ExcludedItemIds, "excluded_item_ids");
        RequestChecks.Indexes(request.RecentItemIndexes, catalog.Count, "recent_item_indexes", request.BundleVersion);
        RequestChecks.Indexes(
            request.ExcludedItemIndexes,
            catalog.Count,
            "excluded_item_indexes",
            request.BundleVersion
        );
        RequestChecks.Ids(request.TopCategories, "top_categories");
#pragma warning disable CS0612 // the deprecated field, still read from callers built before top_categories
        RequestChecks.Ids(request.TopGenres, "top_genres");
#pragma warning restore CS0612
        RequestChecks.Text(request.Country, "country", 64);
        RequestChecks.Profile(request.Age, request.Gender);

        return state;
    }

    /// <summary>
    /// The user as the candidate sources see them: recent items and excluded history as item indexes (ids the
    /// catalog does not hold are returned beside), top categories (top_categories, or the deprecated top_genres of
    /// older callers), country and profile.
    /// </summary>
    private static (UserContext User, List<string> Unknown) UserOf(GetCandidatesRequest request, ItemCatalog catalog)
    {
        var unknown = new List<string>();
        var recent = catalog.ItemsOf(request.RecentItemIds, request.RecentItemIndexes, unknown);
        var history = catalog.ItemsOf(request.ExcludedItemIds, request.ExcludedItemIndexes, unknown);

        var profile = new UserProfile(
            [.. history],
            request.Age == 0 ? null : request.Age,
            request.Gender.Length == 0 ? null : request.Gender
        );
        var user = new UserContext(
            recent,
#pragma warning disable CS0612 // the deprecated field, read when the new one is empty
            request.TopCategories.Count > 0 ? request.TopCategories : request.TopGenres,
#pragma warning restore CS0612
            string.IsNullOrEmpty(request.Country) ? null : request.Country,
            SeenFilter.Of(history),
            profile
        );
        return (user, unknown);
    }
}
