using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;

namespace RecServices.Serving.Retrieval.Sources;

/// <summary>
/// Items added through the catalog service that the served bundle was not trained on (<see cref="FreshItems"/>): no
/// table of the bundle knows them, so without this source only a request naming them would reach ranking. Up to
/// <paramref name="perCategory"/> of the newest served ones in each of the user's <paramref name="topCategories"/>
/// top categories (key: the category), then the newest of all up to <paramref name="newest"/> more (key: empty).
/// Score: the item's ordinal (newer is higher). Ranking then scores them with their V_m from the item tower.
/// </summary>
public sealed class FreshSource(ItemCatalog catalog, int topCategories, int perCategory, int newest) : ICandidateSource
{
    public SourceKind Kind => SourceKind.Fresh;

    /// <summary>Items per category.</summary>
    public int Quota => perCategory;

    public void Propose(UserContext user, CandidateSet set, int cap)
    {
        if (user.Fresh is not { Count: > 0 } fresh)
        {
            return;
        }

        foreach (var category in user.TopCategories.Take(topCategories))
        {
            if (
                catalog.CategoryIndex.TryGetValue(category, out var g)
                && fresh.NewestByCategory.TryGetValue(g, out var items)
            )
            {
                Offer(user, set, cap, items, category, perCategory);
            }
        }

        Offer(user, set, cap, fresh.Newest, string.Empty, newest);
    }

    private void Offer(UserContext user, CandidateSet set, int cap, IReadOnlyList<int> items, string key, int quota)
    {
        var taken = 0;
        for (var j = 0; j < items.Count && taken < quota; j++)
        {
            var ordinal = items[j] - catalog.Count;
            taken += CandidateSources.Offer(set, user, items[j], new SourceHit(Kind, key, ordinal), cap);
        }
    }
}
