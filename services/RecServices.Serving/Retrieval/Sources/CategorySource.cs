using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;

namespace RecServices.Serving.Retrieval.Sources;

/// <summary>
/// The most popular items of each of the user's <paramref name="topCategories"/> most-viewed categories (the bundle's category top
/// lists): up to <see cref="Quota"/> unseen items per category. Key: the category; score: the item's interaction count.
/// </summary>
public sealed class CategorySource(TopLists tops, int topCategories, int perCategory) : ICandidateSource
{
    public SourceKind Kind => SourceKind.Category;

    /// <summary>Items per category.</summary>
    public int Quota => perCategory;

    public void Propose(UserContext user, CandidateSet set, int cap)
    {
        foreach (var category in user.TopCategories.Take(topCategories))
        {
            if (tops.ByCategory.TryGetValue(category, out var list))
            {
                CandidateSources.OfferTop(set, user, list, Kind, category, perCategory, cap);
            }
        }
    }
}
