using RecServices.Contracts.Ranking.V1;
using RecServices.Contracts.Retrieval.V1;
using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;

namespace RecServices.Gateway.Services;

/// <summary>
/// The requests the gateway sends its backends for one user, built from the user's resolved history (item indices,
/// oldest first) and profile. <c>recs cost</c> sends the same requests to retrieval and ranking directly, to time each
/// hop alone.
/// </summary>
public static class BackendRequests
{
    /// <summary>Retrieval's request: the context's recent items and top genres, the country, every history item excluded.</summary>
    public static GetCandidatesRequest Candidates(ItemCatalog catalog, UserContext context, ReadOnlySpan<int> history, int? age, string? gender, int candidateCount)
    {
        var request = new GetCandidatesRequest
        {
            Country = context.Country ?? string.Empty, MaxCandidateCount = candidateCount, Age = age ?? 0, Gender = gender ?? string.Empty,
        };
        request.RecentItemIds.AddRange(context.RecentItems.Select(catalog.IdOf));
        request.TopGenres.AddRange(context.TopGenres);
        foreach (var item in history)
        {
            request.ExcludedItemIds.Add(catalog.IdOf(item));
        }

        return request;
    }

    /// <summary>Ranking's request: the history, the filtered candidates, how many to send back and the version retrieval answered with.</summary>
    public static RankCandidatesRequest Rank(ItemCatalog catalog, ReadOnlySpan<int> history, IEnumerable<int> candidates, int? age, string? gender, int topCount, string bundleVersion)
    {
        var request = new RankCandidatesRequest { Age = age ?? 0, Gender = gender ?? string.Empty, TopCount = topCount, BundleVersion = bundleVersion };
        foreach (var item in history)
        {
            request.HistoryItemIds.Add(catalog.IdOf(item));
        }

        request.CandidateItemIds.AddRange(candidates.Select(catalog.IdOf));
        return request;
    }
}
