using RecServices.Contracts.Common.V1;
using RecServices.Contracts.Ranking.V2;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;
using RecServices.Serving.Wire;

namespace RecServices.Gateway.Services;

/// <summary>
/// The requests the gateway sends its backends for one user, built from the user's resolved history (item indices of
/// the call's <see cref="ServedItems"/>, oldest first) and profile. Pinned to the version of the gateway's own bundle, the requests carry item indexes of
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
        ServedItems served,
        UserContext context,
        ReadOnlySpan<int> history,
        int? age,
        string? gender,
        int candidateCount,
        string bundleVersion
    )
    {
        var byIndex = ByIndex(bundle, bundleVersion);
        return new GetCandidatesRequest
        {
            BundleVersion = bundleVersion,
            RecentItems = ItemReferences.Of([.. context.RecentItems], bundle, served, byIndex),
            ExcludedItems = ItemReferences.Of(history, bundle, served, byIndex),
            TopCategories = { context.TopCategories },
            Country = context.Country ?? string.Empty,
            Age = age ?? 0,
            Gender = gender ?? string.Empty,
            MaxCandidateCount = candidateCount,
            AnswerForm = byIndex ? ItemForm.Indexes : ItemForm.Ids,
        };
    }

    /// <summary>
    /// Ranking's request: the history, the filtered candidates, how many to send back and the version retrieval
    /// answered with; as indexes when that is <paramref name="bundle"/>'s own version.
    /// </summary>
    public static RankCandidatesRequest Rank(
        Bundle bundle,
        ServedItems served,
        ReadOnlySpan<int> history,
        ReadOnlySpan<int> candidates,
        int? age,
        string? gender,
        int topCount,
        string bundleVersion,
        int freshSlots = 0
    )
    {
        var byIndex = ByIndex(bundle, bundleVersion);
        return new RankCandidatesRequest
        {
            FreshSlots = freshSlots,
            BundleVersion = bundleVersion,
            History = ItemReferences.Of(history, bundle, served, byIndex),
            Candidates = ItemReferences.Of(candidates, bundle, served, byIndex),
            TopCount = topCount,
            Age = age ?? 0,
            Gender = gender ?? string.Empty,
        };
    }

    /// <summary>
    /// Whether calls pinned to <paramref name="bundleVersion"/> can carry <paramref name="bundle"/>'s item indexes.
    /// </summary>
    public static bool ByIndex(Bundle bundle, string bundleVersion) =>
        bundleVersion.Length > 0 && bundleVersion == bundle.Manifest.Version;
}
