using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Ranking;

namespace RecServices.Training.Bundling;

/// <summary>
/// Top lists by interactions, each row weighed by <see cref="InteractionTable.Weight"/> (1, or 1 + ln(count)): global,
/// per genre (items of that genre), per country (interactions of that country's users).
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

        var genres = new Dictionary<string, TopList>(StringComparer.Ordinal);
        var genreScores = new float[n];
        for (var g = 0; g < dataset.Genres.Count; g++)
        {
            for (var i = 0; i < n; i++)
            {
                genreScores[i] = dataset.Items[i].Genres.Contains(g) ? counts[i] : float.NegativeInfinity;
            }

            genres[dataset.Genres[g]] = Top(genreScores, length);
        }

        return new TopLists(
            Top(counts, length),
            genres,
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
