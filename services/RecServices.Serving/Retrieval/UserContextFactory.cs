using RecServices.Core.Bundles;

namespace RecServices.Serving.Retrieval;

/// <summary>
/// Derives the retrieval context from a user's history: the last <see cref="RetrievalOptions.RecentItems"/>
/// items, the most-viewed categories (by count over the whole history, ties by category order), the country, and
/// every seen item as excluded. The gateway and the offline evaluator both use it.
/// </summary>
public sealed class UserContextFactory(ItemCatalog catalog, RetrievalOptions options)
{
    /// <param name="history">The user's items, oldest first.</param>
    /// <param name="country">The user's country, if known.</param>
    /// <param name="served">The live catalog's view of the catalog, when the history may hold items added since the
    /// bundle was built (their categories count; its hidden items are kept out with the seen ones).</param>
    public UserContext Create(IReadOnlyList<int> history, string? country, ServedItems? served = null)
    {
        var recent = history.Skip(Math.Max(0, history.Count - options.RecentItems)).ToArray();
        return new UserContext(
            recent,
            TopCategories(history, served),
            string.IsNullOrEmpty(country) ? null : country,
            SeenFilter.Of(history).Hiding(served?.Hidden ?? HiddenItems.None),
            Fresh: served?.Fresh
        );
    }

    public IReadOnlyList<string> TopCategories(IReadOnlyList<int> history, ServedItems? served = null)
    {
        var counts = new int[catalog.Categories.Count];
        foreach (var item in history)
        {
            var categories = item < catalog.Count ? catalog.ItemCategories[item] : served?.CategoriesOf(item) ?? [];
            foreach (var g in categories)
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
