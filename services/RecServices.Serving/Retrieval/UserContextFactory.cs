using RecServices.Core.Bundles;

namespace RecServices.Serving.Retrieval;

/// <summary>
/// Derives the retrieval context from a user's history: the last <see cref="RetrievalOptions.RecentItems"/>
/// items, the most-viewed genres (by count over the whole history, ties by genre order), the country, and
/// every seen item as excluded. The gateway and the offline evaluator both use it.
/// </summary>
public sealed class UserContextFactory(ItemCatalog catalog, RetrievalOptions options)
{
    public UserContext Create(IReadOnlyList<int> history, string? country)
    {
        var recent = history.Skip(Math.Max(0, history.Count - options.RecentItems)).ToArray();
        return new UserContext(
            recent,
            TopGenres(history),
            string.IsNullOrEmpty(country) ? null : country,
            history.ToHashSet()
        );
    }

    public IReadOnlyList<string> TopGenres(IReadOnlyList<int> history)
    {
        var counts = new int[catalog.Genres.Count];
        foreach (var item in history)
        {
            foreach (var g in catalog.ItemGenres[item])
            {
                counts[g]++;
            }
        }

        return Enumerable
            .Range(0, counts.Length)
            .Where(g => counts[g] > 0)
            .OrderByDescending(g => counts[g])
            .ThenBy(g => g)
            .Take(options.TopGenres)
            .Select(g => catalog.Genres[g])
            .ToArray();
    }
}
