using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Ranking;

namespace RecServices.Training.Bundling;

/// <summary>
/// Top lists by distinct users (each user counts once for an item, however many rows or how large a count they have:
/// one account cannot lift an item into everyone's lists): global, per category (items of that category), per country
/// (that country's users).
/// </summary>
public static class TopListsBuilder
{
    public static TopLists Build(Dataset dataset, int length)
    {
        var n = dataset.Items.Count;
        var counts = new float[n];
        var byCountry = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var t = dataset.Interactions;

        // each user's rows together (a counting sort), then each item counted once per user
        var offsets = new int[dataset.Users.Count + 1];
        for (var row = 0; row < t.Count; row++)
        {
            offsets[t.Users[row] + 1]++;
        }

        for (var u = 0; u < dataset.Users.Count; u++)
        {
            offsets[u + 1] += offsets[u];
        }

        var rows = new int[t.Count];
        var next = offsets[..^1];
        for (var row = 0; row < t.Count; row++)
        {
            rows[next[t.Users[row]]++] = row;
        }

        var lastUser = new int[n];
        Array.Fill(lastUser, -1);
        for (var user = 0; user < dataset.Users.Count; user++)
        {
            var country = dataset.Users[user].Country;
            float[]? countryCounts = null;
            if (
                country is not null
                && offsets[user + 1] > offsets[user]
                && !byCountry.TryGetValue(country, out countryCounts)
            )
            {
                byCountry[country] = countryCounts = new float[n];
            }

            for (var j = offsets[user]; j < offsets[user + 1]; j++)
            {
                var item = t.Items[rows[j]];
                if (lastUser[item] == user)
                {
                    continue; // this user counted for this item already
                }

                lastUser[item] = user;
                counts[item]++;
                if (countryCounts is not null)
                {
                    countryCounts[item]++;
                }
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
