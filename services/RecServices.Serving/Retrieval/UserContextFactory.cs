using RecServices.Core.Bundles;

namespace RecServices.Serving.Retrieval;

/// <summary>
/// Derives the retrieval context from a user's history: the last <see cref="RetrievalOptions.RecentItems"/>
/// items, the most-viewed categories (by count over the whole history, ties by category order), the country, and
/// every seen item as excluded. The gateway and the offline evaluator both use it.
/// </summary>
public sealed class UserContextFactory(ItemCatalog catalog, RetrievalOptions options)
{
    public UserContext Create(IReadOnlyList<int> history, string? country)
    {
        var recent = history.Skip(Math.Max(0, history.Count - options.RecentItems)).ToArray();
        return new UserContext(
            recent,
            TopCategories(history),
            string.IsNullOrEmpty(country) ? null : country,
            SeenFilter.Of(history)
        );
    }

    public IReadOnlyList<string> TopCategories(IReadOnlyList<int> history)
    {
        var counts = new int[catalog.Categories.Count];
        foreach (var item in history)
        {
            foreach (var g in catalog.ItemCategories[item])
            {
                counts[g]++;
            }
        }

        return Enumerable
            .Range(0, counts.Length)
            .Where(g => counts[g] > 0)
            .OrderByDescending(g => counts[g])
            .ThenBy(g => g)
            .Take(options.TopCategories)
            .Select(g => catalog.Categories[g])
            .ToArray();
    }
}
