using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Ranking;

namespace RecServices.Training.Bundling;

/// <summary>
/// Top lists by interactions, each row weighed by <see cref="InteractionTable.Weight"/> (1, or 1 + ln(count)): global,
/// per category (items of that category), per country (interactions of that country's users).
/// </summary>
public static class TopListsBuilder
{
    public static TopLists Build(Dataset dataset, int length)
    {
        var n = dataset.Items.Count;
        var counts = new float[n];
        var byCountry = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var t = dataset.Interactions;
        for (var row = 0; row < t.Count; row++)
        {
            var item = t.Items[row];
            var weight = t.Weight(row);
            counts[item] += weight;
            var country = dataset.Users[t.Users[row]].Country;
            if (country is not null)
            {
                if (!byCountry.TryGetValue(country, out var countryCounts))
                {
                    byCountry[country] = countryCounts = new float[n];
                }

                countryCounts[item] += weight;
            }
        }

        var categories = new Dictionary<string, TopList>(StringComparer.Ordinal);
        var categoryScores = new float[n];
        for (var g = 0; g < dataset.Categories.Count; g++)
        {
            for (var i = 0; i < n; i++)
            {
                categoryScores[i] = dataset.Items[i].Categories.Contains(g) ? counts[i] : float.NegativeInfinity;
            }

            categories[dataset.Categories[g]] = Top(categoryScores, length);
        }

        return new TopLists(
            Top(counts, length),
            categories,
            byCountry.ToDictionary(p => p.Key, p => Top(p.Value, length, skipZero: true), StringComparer.Ordinal)
        );
    }

    private static TopList Top(float[] scores, int length, bool skipZero = false)
    {
        if (skipZero)
        {
            for (var i = 0; i < scores.Length; i++)
            {
                if (scores[i] == 0)
                {
                    scores[i] = float.NegativeInfinity;
                }
            }
        }

        var items = new int[Math.Min(length, scores.Length)];
        var found = TopK.Select(scores, items);
        items = items[..found];
        return new TopList(items, items.Select(i => scores[i]).ToArray());
    }
}
