using System.Globalization;

namespace RecServices.Core.Data;

/// <summary>
/// The seeded synthetic dataset, the embedded default. Items fall into latent taste clusters, each with a
/// couple of dominant categories, and have Zipf-skewed popularity; every country prefers some clusters; every
/// user mixes their country's taste with two or three clusters of their own. An interaction picks a
/// cluster from the user's mix (or, with probability <see cref="SyntheticOptions.Noise"/>, global
/// popularity), then an item of that cluster by popularity. A model that learns the latent structure
/// therefore beats popularity, by a margin the tests can measure. Memory is the interaction columns
/// plus a few arrays per item: 10M interactions over 1M items fit in well under 1 GB.
/// </summary>
public static class SyntheticDataset
{
    private static readonly string[] CategoryNames =
    [
        "Action",
        "Adventure",
        "Animation",
        "Comedy",
        "Crime",
        "Documentary",
        "Drama",
        "Family",
        "Fantasy",
        "Horror",
        "Music",
        "Mystery",
        "Romance",
        "Sci-Fi",
        "Thriller",
        "War",
        "Western",
        "Sport",
    ];

    private static readonly string[] CountryCodes =
    [
        "US",
        "GB",
        "DE",
        "FR",
        "BR",
        "IN",
        "JP",
        "MX",
        "ES",
        "IT",
        "CA",
        "KR",
        "AU",
        "NL",
        "SE",
        "PL",
        "TR",
        "AR",
        "ZA",
        "NG",
    ];

    private static readonly long Start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    public static Dataset Generate(SyntheticOptions options)
    {
        options.Validate();
        var rng = new Random(options.Seed); // one stream, drawn in this order: catalog, country tastes, activity, users
        var categories = Enumerable
            .Range(0, options.Categories)
            .Select(g =>
                g < CategoryNames.Length ? CategoryNames[g] : "Category" + g.ToString(CultureInfo.InvariantCulture)
            )
            .ToArray();
        var countries = Enumerable
            .Range(0, options.Countries)
            .Select(c =>
                c < CountryCodes.Length ? CountryCodes[c] : "C" + c.ToString("000", CultureInfo.InvariantCulture)
            )
            .ToArray();

        var catalog = Catalog(options, rng, categories);
        var countryTaste = CountryTastes(options, rng);
        var activity = Activities(options, rng);
        var (users, table) = UsersAndInteractions(options, rng, countries, catalog, countryTaste, activity);

        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"synthetic(seed={options.Seed},users={options.Users},items={options.Items},interactions={options.Interactions})"
        );
        var (sorted, items) = CategoryOrder.Sort(categories, catalog.Items);
        return new Dataset(name, sorted, items, users, table);
    }

    /// <summary>The items, each with its taste cluster and its Zipf popularity weight.</summary>
    private sealed record SyntheticCatalog(Item[] Items, int[] ItemCluster, double[] Popularity);

    /// <summary>
    /// Clusters of two dominant categories each; items with a cluster, 1-3 categories mostly from it, a year, a popularity.
    /// </summary>
    private static SyntheticCatalog Catalog(SyntheticOptions options, Random rng, string[] categories)
    {
        var clusterCategories = new int[options.Clusters][];
        for (var c = 0; c < options.Clusters; c++)
        {
            var first = rng.Next(options.Categories);
            var second = (first + 1 + rng.Next(options.Categories - 1)) % options.Categories;
            clusterCategories[c] = [first, second];
        }

        var items = new Item[options.Items];
        var itemCluster = new int[options.Items];
        var popularity = new double[options.Items];
        var ranks = Enumerable.Range(0, options.Items).ToArray();
        rng.Shuffle(ranks);
        for (var i = 0; i < options.Items; i++)
        {
            var cluster = rng.Next(options.Clusters);
            itemCluster[i] = cluster;
            popularity[i] = 1.0 / Math.Pow(ranks[i] + 1, options.ZipfExponent);
            var itemCategories = new SortedSet<int> { clusterCategories[cluster][rng.Next(2)] };
            if (rng.NextDouble() < 0.5)
            {
                itemCategories.Add(clusterCategories[cluster][rng.Next(2)]);
            }

            if (rng.NextDouble() < 0.2)
            {
                itemCategories.Add(rng.Next(options.Categories));
            }

            var year = 2025 - (int)Math.Min(75, -Math.Log(1 - rng.NextDouble()) * 12);
            var id = "i" + (i + 1).ToString(CultureInfo.InvariantCulture);
            items[i] = new Item(
                id,
                $"{categories[itemCategories.Min]} title {i + 1} ({year})",
                year,
                [.. itemCategories]
            );
        }

        return new SyntheticCatalog(items, itemCluster, popularity);
    }

    /// <summary>Each country's taste over the clusters, concentrated on a few.</summary>
    private static double[][] CountryTastes(SyntheticOptions options, Random rng)
    {
        var countryTaste = new double[options.Countries][];
        for (var c = 0; c < options.Countries; c++)
        {
            countryTaste[c] = new double[options.Clusters];
            for (var k = 0; k < options.Clusters; k++)
            {
                countryTaste[c][k] = 0.2 / options.Clusters;
            }

            for (var j = 0; j < 3; j++)
            {
                countryTaste[c][rng.Next(options.Clusters)] += 0.8 / 3;
            }
        }

        return countryTaste;
    }

    /// <summary>Each user's activity: log-normal, scaled to the interaction target later.</summary>
    private static double[] Activities(SyntheticOptions options, Random rng)
    {
        var activity = new double[options.Users];
        for (var u = 0; u < options.Users; u++)
        {
            activity[u] = Math.Exp(0.9 * Gaussian(rng));
        }

        return activity;
    }

    /// <summary>
    /// The users (a Zipf-sized country, a gender, an age) and their interactions: each user mixes the country's taste
    /// with two or three clusters of their own, and draws as many distinct items as the activity says, in time order.
    /// </summary>
    private static (User[] Users, InteractionTable Table) UsersAndInteractions(
        SyntheticOptions options,
        Random rng,
        string[] countries,
        SyntheticCatalog catalog,
        double[][] countryTaste,
        double[] activity
    )
    {
        var clusterSamplers = BuildClusterSamplers(options, catalog.ItemCluster, catalog.Popularity);
        var globalSampler = new WeightedSampler(Enumerable.Range(0, options.Items).ToArray(), catalog.Popularity);
        var countrySampler = new WeightedSampler(
            Enumerable.Range(0, options.Countries).ToArray(),
            Enumerable.Range(0, options.Countries).Select(c => 1.0 / (c + 1)).ToArray()
        );
        var scale = options.Interactions / activity.Sum();
        var users = new User[options.Users];
        var table = new InteractionTable(
            (int)Math.Min(int.MaxValue, options.Interactions + (options.Interactions / 20) + 16)
        );
        var seen = new HashSet<int>();
        var mix = new double[options.Clusters];
        var clusterIds = Enumerable.Range(0, options.Clusters).ToArray();
        for (var u = 0; u < options.Users; u++)
        {
            var country = countrySampler.Sample(rng);
            var gender = rng.NextDouble() < 0.5 ? "M" : "F";
            users[u] = new User(
                "u" + (u + 1).ToString(CultureInfo.InvariantCulture),
                countries[country],
                16 + rng.Next(60),
                gender
            );

            Array.Clear(mix);
            for (var k = 0; k < options.Clusters; k++)
            {
                mix[k] = 0.3 * countryTaste[country][k];
            }

            var own = 2 + rng.Next(2);
            for (var j = 0; j < own; j++)
            {
                mix[rng.Next(options.Clusters)] += 0.7 / own;
            }

            var userSampler = new WeightedSampler(clusterIds, mix);
            var count = (int)Math.Clamp(Math.Round(activity[u] * scale), 1, options.Items / 2);
            var time = Start + rng.NextInt64(0, 86_400L * 365 * 3);
            seen.Clear();
            for (var n = 0; n < count; n++)
            {
                var item = DrawUnseen(rng, options.Noise, globalSampler, clusterSamplers, userSampler, seen);
                if (item >= 0)
                {
                    time += 60 + rng.NextInt64(0, 86_400 * 3);
                    AddInteraction(table, rng, u, item, time, liked: mix[catalog.ItemCluster[item]] > 0.1);
                }
            }
        }

        return (users, table);
    }

    /// <summary>
    /// An item the user has not drawn yet: from a cluster of the user's mix (or global popularity, the noise); -1
    /// after 8 tries.
    /// </summary>
    private static int DrawUnseen(
        Random rng,
        double noise,
        WeightedSampler global,
        WeightedSampler[] clusters,
        WeightedSampler userClusters,
        HashSet<int> seen
    )
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var candidate =
                rng.NextDouble() < noise ? global.Sample(rng) : clusters[userClusters.Sample(rng)].Sample(rng);
            if (seen.Add(candidate))
            {
                return candidate;
            }
        }

        return -1;
    }

    /// <summary>
    /// One interaction: mostly watched, some purchased, some rated (higher when the item is of a cluster the user
    /// likes).
    /// </summary>
    private static void AddInteraction(InteractionTable table, Random rng, int user, int item, long time, bool liked)
    {
        var kind = rng.NextDouble() switch
        {
            < 0.7 => InteractionKind.Watched,
            < 0.8 => InteractionKind.Purchased,
            _ => InteractionKind.Rated,
        };
        var rating = kind == InteractionKind.Rated ? Math.Clamp((liked ? 4 : 3) + rng.Next(-1, 2), 1, 5) : 1f;
        table.Add(user, item, rating, time, kind);
    }

    private static WeightedSampler[] BuildClusterSamplers(
        SyntheticOptions options,
        int[] itemCluster,
        double[] popularity
    )
    {
        var members = new List<int>[options.Clusters];
        for (var c = 0; c < options.Clusters; c++)
        {
            members[c] = [];
        }

        for (var i = 0; i < itemCluster.Length; i++)
        {
            members[itemCluster[i]].Add(i);
        }

        return members
            .Select(list =>
                list.Count == 0
                    ? new WeightedSampler([0], [1.0])
                    : new WeightedSampler([.. list], list.Select(i => popularity[i]).ToArray())
            )
            .ToArray();
    }

    private static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
