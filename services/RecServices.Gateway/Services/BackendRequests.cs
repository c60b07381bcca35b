using RecServices.Contracts.Ranking.V1;
using RecServices.Contracts.Retrieval.V1;
using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;

namespace RecServices.Gateway.Services;

/// <summary>
/// The requests the gateway sends its backends for one user, built from the user's resolved history (item indices,
/// oldest first) and profile. Pinned to the version of the gateway's own bundle, the requests carry item indexes of
/// that bundle and ask for indexes back, so that no process turns ids into indices and back (at a million items each
/// id looked up is a few cache misses); pinned to another version they carry ids. <c>recs-lab cost</c> sends the same
/// requests to retrieval and ranking directly, to time each hop alone.
/// </summary>
public static class BackendRequests
{
    /// <summary>
    /// Retrieval's request: the context's recent items and top categories, the country, every history item excluded; as
    /// indexes when <paramref name="bundleVersion"/> is <paramref name="bundle"/>'s own version.
    /// </summary>
    public static GetCandidatesRequest Candidates(
        Bundle bundle,
        UserContext context,
        ReadOnlySpan<int> history,
        int? age,
        string? gender,
        int candidateCount,
        string bundleVersion
    )
    {
        var request = new GetCandidatesRequest
        {
            Country = context.Country ?? string.Empty,
            MaxCandidateCount = candidateCount,
            Age = age ?? 0,
            Gender = gender ?? string.Empty,
            BundleVersion = bundleVersion,
        };
        request.TopCategories.AddRange(context.TopCategories);
#pragma warning disable CS0612 // also in the deprecated field: a retrieval server built before top_categories reads it
        request.TopGenres.AddRange(context.TopCategories);
#pragma warning restore CS0612
        if (ByIndex(bundle, bundleVersion))
        {
            request.AnswerWithIndexes = true;
            request.RecentItemIndexes.AddRange(context.RecentItems);
            request.ExcludedItemIndexes.AddRange(history.ToArray());
            return request;
        }

        var catalog = bundle.Catalog;
        request.RecentItemIds.AddRange(context.RecentItems.Select(catalog.IdOf));
        foreach (var item in history)
        {
            request.ExcludedItemIds.Add(catalog.IdOf(item));
        }

        return request;
    }

    /// <summary>
    /// Ranking's request: the history, the filtered candidates, how many to send back and the version retrieval
    /// answered with; as indexes when that is <paramref name="bundle"/>'s own version.
    /// </summary>
    public static RankCandidatesRequest Rank(
        Bundle bundle,
        ReadOnlySpan<int> history,
        IReadOnlyList<int> candidates,
        int? age,
        string? gender,
        int topCount,
        string bundleVersion
    )
    {
        var request = new RankCandidatesRequest
        {
            Age = age ?? 0,
            Gender = gender ?? string.Empty,
            TopCount = topCount,
            BundleVersion = bundleVersion,
        };
        if (ByIndex(bundle, bundleVersion))
        {
            request.HistoryItemIndexes.AddRange(history.ToArray());
            request.CandidateItemIndexes.AddRange(candidates);
            return request;
        }

        var catalog = bundle.Catalog;
        foreach (var item in history)
        {
            request.HistoryItemIds.Add(catalog.IdOf(item));
        }

        request.CandidateItemIds.AddRange(candidates.Select(catalog.IdOf));
        return request;
    }

    /// <summary>
    /// Whether calls pinned to <paramref name="bundleVersion"/> can carry <paramref name="bundle"/>'s item indexes.
    /// </summary>
    public static bool ByIndex(Bundle bundle, string bundleVersion) =>
        bundleVersion.Length > 0 && bundleVersion == bundle.Manifest.Version;
}
