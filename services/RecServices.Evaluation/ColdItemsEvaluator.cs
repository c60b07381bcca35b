using System.Globalization;
using System.Text;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Serving.Inference;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;
using RecServices.Training.Bundling;

namespace RecServices.Evaluation;

/// <summary>
/// Cold-start quality offline (<c>recs evaluate --cold-items 0.1</c>): the protocol's split, then a share of the items
/// (chosen at random, seeded) and every interaction with them taken out of training; the bundle is trained without
/// them, they are added back as the catalog service adds items (<see cref="FreshItems"/>, V_m from the bundle's item
/// tower over their metadata alone), and the served pipeline (the fresh source, ranking on their V_m) recommends to
/// every test user. Measured: how often the served lists hold a cold item, and the cold items' recall@k, for the
/// served lists and for the cold items alone ranked three ways: by the model (V_u · V_m), by the popularity of their
/// categories (the train interactions on the categories' warm items), and at random.
/// </summary>
public sealed class ColdItemsEvaluator(BuildOptions build, Action<string> log)
{
    public const string Model = "model (V_u · V_m from the item tower)";
    public const string CategoryPopularity = "popularity of the categories";
    public const string Random = "random placement";

    public ColdItemsReport Run(
        Dataset dataset,
        string workDirectory,
        double share,
        int k = 10,
        int maxCandidates = RetrievalOptions.DefaultCandidateCap,
        int seed = 42,
        int freshSlots = Ranker.DefaultFreshSlots
    )
    {
        if (share is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "the cold share must be above 0 and below 1");
        }

        var (train, test) = ProtocolEvaluator.ProtocolSplit(dataset);
        var n = dataset.Items.Count;
        var coldCount = Math.Max(1, (int)Math.Round(share * n));
        var order = Enumerable.Range(0, n).ToArray();
        new System.Random(seed).Shuffle(order);
        var isCold = new bool[n];
        foreach (var item in order.Take(coldCount))
        {
            isCold[item] = true;
        }

        // the warm catalog: every item but the cold ones, renumbered in order
        var warmIndex = new int[n];
        var warmItems = new List<Item>(n - coldCount);
        for (var i = 0; i < n; i++)
        {
            warmIndex[i] = isCold[i] ? -1 : warmItems.Count;
            if (!isCold[i])
            {
                warmItems.Add(dataset.Items[i]);
            }
        }

        var warmTrain = new InteractionTable(train.Count);
        for (var row = 0; row < train.Count; row++)
        {
            if (!isCold[train.Items[row]])
            {
                warmTrain.Add(
                    train.Users[row],
                    warmIndex[train.Items[row]],
                    train.Ratings[row],
                    train.Timestamps[row],
                    train.Kinds[row]
                );
            }
        }

        var warm = new Dataset(
            dataset.Name + $"-without-{coldCount}-cold-items",
            dataset.Categories,
            warmItems,
            dataset.Users,
            warmTrain
        )
        {
            ItemAttributes = [.. dataset.ItemAttributes.Select(a => Warm(a, isCold))],
        };
        log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"cold items: {coldCount} of {n} taken out with {train.Count - warmTrain.Count} train interactions; "
                    + $"training on the rest"
            )
        );
        var bundleDirectory = Path.Combine(workDirectory, "bundle-without-cold-items");
        new BundleBuilder(build, log).Build(warm, bundleDirectory);
        var bundle = Bundle.Load(bundleDirectory, BundleParts.Retrieval | BundleParts.Core);
        using var ranker = new Ranker(bundle);
        var pipeline = TwoStagePipeline.Create(bundle, ranker, RetrievalOptions.Default, freshSlots: freshSlots);
        using var embedder = new ItemEmbedder(bundle);
        var coldItems = order.Take(coldCount).Order().ToArray(); // ordinal j: the j-th cold item
        var fresh = coldItems.Select((item, j) => Fresh(dataset, bundle.Catalog, item, j)).ToList();
        var served = new ServedItems(
            bundle.Catalog,
            new FreshItems(bundle.Catalog.Count, fresh, embedder.Embed(fresh), embedder.Width),
            HiddenItems.None
        );
        var coldOf = new Dictionary<int, int>(); // dataset item → fresh index
        for (var j = 0; j < coldItems.Length; j++)
        {
            coldOf[coldItems[j]] = bundle.Catalog.Count + j;
        }

        var categoryScore = CategoryScores(bundle, warmTrain, fresh);
        return Measure(
            dataset,
            train,
            test,
            pipeline,
            ranker,
            served,
            coldOf,
            warmIndex,
            categoryScore,
            k,
            maxCandidates,
            seed
        ) with
        {
            Dataset = dataset.Name,
            BundleVersion = bundle.Manifest.Version,
            ColdShare = share,
            ColdItems = coldCount,
            Items = n,
            FreshSlots = freshSlots,
        };
    }

    private static ColdItemsReport Measure(
        Dataset dataset,
        InteractionTable train,
        InteractionTable test,
        TwoStagePipeline pipeline,
        Ranker ranker,
        ServedItems served,
        Dictionary<int, int> coldOf,
        int[] warmIndex,
        float[] categoryScore,
        int k,
        int maxCandidates,
        int seed
    )
    {
        var histories = UserHistories.Build(train, dataset.Users.Count);
        var relevant = new Dictionary<int, HashSet<int>>();
        var coldTestRows = 0;
        for (var row = 0; row < test.Count; row++)
        {
            var item = test.Items[row];
            var index = coldOf.TryGetValue(item, out var f) ? f : warmIndex[item];
            coldTestRows += coldOf.ContainsKey(item) ? 1 : 0;
            (relevant.TryGetValue(test.Users[row], out var set) ? set : relevant[test.Users[row]] = []).Add(index);
        }

        var baseCount = served.Catalog.Count;
        var coldPool = coldOf.Values.Order().ToArray();
        var rows = new Dictionary<string, RecallStats>
        {
            [Model] = new(),
            [CategoryPopularity] = new(),
            [Random] = new(),
        };
        var servedCold = new RecallStats();
        var servedAll = new RecallStats();
        var random = new System.Random(seed);
        var (slots, coldSlots, usersWithCold, users, coldCandidates) = (0L, 0L, 0, 0, 0L);
        var vector = new float[ranker.Tower.OutputWidth];
        var scores = new float[coldPool.Length];
        foreach (var (u, items) in relevant.OrderBy(p => p.Key))
        {
            var profile = dataset.Users[u];
            // the history the bundle knows: train rows of warm items (cold ones were taken out with their rows)
            var history = histories.Of(u).ToArray().Where(i => warmIndex[i] >= 0).Select(i => warmIndex[i]).ToArray();
            var user = new UserProfile(history, profile.Age, profile.Gender);
            var (candidates, top) = pipeline.Recommend(user, profile.Country, k, maxCandidates, served);
            coldCandidates += candidates.Candidates.Count(i => i >= baseCount);
            var list = top.Select(r => r.Item).ToArray();
            users++;
            slots += list.Length;
            var cold = list.Count(i => i >= baseCount);
            coldSlots += cold;
            usersWithCold += cold > 0 ? 1 : 0;
            servedAll.Add(list, items);
            var relevantCold = items.Where(i => i >= baseCount).ToHashSet();
            if (relevantCold.Count == 0)
            {
                continue;
            }

            servedCold.Add(list, relevantCold);
            ranker.UserVector(user, vector);
            for (var j = 0; j < coldPool.Length; j++)
            {
                scores[j] = System.Numerics.Tensors.TensorPrimitives.Dot(vector, served.Fresh.VectorOf(coldPool[j]));
            }

            rows[Model].Add(TopOf(coldPool, scores, k), relevantCold);
            rows[CategoryPopularity].Add(TopOf(coldPool, categoryScore, k), relevantCold);
            var shuffled = coldPool.ToArray();
            random.Shuffle(shuffled);
            rows[Random].Add(shuffled[..Math.Min(k, shuffled.Length)], relevantCold);
        }

        return new ColdItemsReport
        {
            K = k,
            Users = users,
            UsersWithColdTestItems = servedCold.Users,
            ColdShareOfTestInteractions = test.Count == 0 ? 0 : coldTestRows / (double)test.Count,
            ServedColdSlotShare = slots == 0 ? 0 : coldSlots / (double)slots,
            ColdCandidatesPerUser = users == 0 ? 0 : coldCandidates / (double)users,
            ServedUsersWithColdItem = users == 0 ? 0 : usersWithCold / (double)users,
            ServedColdRecall = servedCold.Recall,
            ServedRecall = servedAll.Recall,
            ColdOnlyRecall = rows.ToDictionary(p => p.Key, p => p.Value.Recall),
        };
    }

    /// <summary>
    /// Each fresh item's score by category popularity: the highest share of the warm train interactions among its
    /// categories (0 without a known category).
    /// </summary>
    private static float[] CategoryScores(Bundle bundle, InteractionTable warmTrain, List<FreshItem> fresh)
    {
        var counts = new long[bundle.Catalog.Categories.Count];
        foreach (var item in warmTrain.Items)
        {
            foreach (var g in bundle.Catalog.ItemCategories[item])
            {
                counts[g]++;
            }
        }

        var total = Math.Max(1, warmTrain.Count);
        return [.. fresh.Select(f => f.Categories.Select(g => counts[g] / (float)total).DefaultIfEmpty(0).Max())];
    }

    private static int[] TopOf(int[] pool, float[] scores, int k) =>
        [
            .. Enumerable
                .Range(0, pool.Length)
                .OrderByDescending(j => scores[j])
                .ThenBy(j => j)
                .Take(k)
                .Select(j => pool[j]),
        ];

    /// <summary>A cold item as the catalog service would add it: its metadata in the items table's terms.</summary>
    private static FreshItem Fresh(Dataset dataset, ItemCatalog catalog, int item, int ordinal)
    {
        var source = dataset.Items[item];
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var column in dataset.ItemAttributes)
        {
            if (column.IsNumeric)
            {
                if (float.IsFinite(column.Numbers[item]))
                {
                    attributes[column.Name] = column.Numbers[item].ToString("R", CultureInfo.InvariantCulture);
                }
            }
            else if (column.Codes[item] >= 0)
            {
                attributes[column.Name] = column.Values[column.Codes[item]];
            }
        }

        var categories = source
            .Categories.Select(g => catalog.CategoryIndex.GetValueOrDefault(dataset.Categories[g], -1))
            .Where(g => g >= 0)
            .ToArray();
        return new FreshItem(source.Id, source.Title, categories, source.Year, attributes, ordinal, true, source);
    }

    /// <summary>An attribute column without the cold items' rows.</summary>
    private static ItemAttribute Warm(ItemAttribute column, bool[] isCold) =>
        column.IsNumeric
            ? ItemAttribute.Numeric(column.Name, [.. column.Numbers.Where((_, i) => !isCold[i])])
            : ItemAttribute.Categorical(column.Name, [.. column.Codes.Where((_, i) => !isCold[i])], column.Values);

    /// <summary>Recall@k over users: hits in the list over the relevant items, averaged.</summary>
    private sealed class RecallStats
    {
        private double _sum;

        public int Users { get; private set; }

        public double Recall => Users == 0 ? 0 : _sum / Users;

        public void Add(int[] list, HashSet<int> relevant)
        {
            if (relevant.Count == 0)
            {
                return;
            }

            _sum += list.Count(relevant.Contains) / (double)relevant.Count;
            Users++;
        }
    }
}

/// <summary>What <see cref="ColdItemsEvaluator"/> measured.</summary>
public sealed record ColdItemsReport
{
    public string Dataset { get; init; } = string.Empty;

    public string BundleVersion { get; init; } = string.Empty;

    /// <summary>The share of the catalog taken out of training.</summary>
    public double ColdShare { get; init; }

    public int ColdItems { get; init; }

    /// <summary>The places of each list kept for the cold items (<c>Recs:FreshSlots</c>).</summary>
    public int FreshSlots { get; init; }

    public int Items { get; init; }

    public int K { get; init; }

    /// <summary>Test users (each got a served list).</summary>
    public int Users { get; init; }

    /// <summary>Test users with at least one test interaction on a cold item (the recall rows are over them).</summary>
    public int UsersWithColdTestItems { get; init; }

    /// <summary>The share of the test interactions that are on cold items: what a list true to the test would hold.</summary>
    public double ColdShareOfTestInteractions { get; init; }

    /// <summary>Cold items among a user's filtered candidates (what ranking chose from), on average.</summary>
    public double ColdCandidatesPerUser { get; init; }

    /// <summary>The share of the served lists' slots holding a cold item.</summary>
    public double ServedColdSlotShare { get; init; }

    /// <summary>The share of test users whose served list holds at least one cold item.</summary>
    public double ServedUsersWithColdItem { get; init; }

    /// <summary>Recall@k of the cold test items in the served lists.</summary>
    public double ServedColdRecall { get; init; }

    /// <summary>Recall@k of every test item in the served lists (warm and cold).</summary>
    public double ServedRecall { get; init; }

    /// <summary>Recall@k of the cold test items when the cold items alone are ranked, by each way of placing them.</summary>
    public IReadOnlyDictionary<string, double> ColdOnlyRecall { get; init; } = new Dictionary<string, double>();

    /// <summary>The report as a Markdown table.</summary>
    public string Markdown()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(
            c,
            $"{Dataset}: {ColdItems} of {Items} items ({ColdShare:P0}) cold — trained without them and their "
                + $"interactions, added back through the item tower; bundle {BundleVersion}; {Users} test users, "
                + $"{UsersWithColdTestItems} with a cold test item; top {K}, {FreshSlots} place(s) of each list kept "
                + $"for them"
        );
        text.AppendLine();
        text.AppendLine("| served pipeline | value |");
        text.AppendLine("|---|---|");
        text.AppendLine(c, $"| cold items among a user's candidates, on average | {ColdCandidatesPerUser:F1} |");
        text.AppendLine(c, $"| slots holding a cold item | {ServedColdSlotShare:P2} |");
        text.AppendLine(c, $"| test interactions on cold items (for reference) | {ColdShareOfTestInteractions:P2} |");
        text.AppendLine(c, $"| users whose list holds a cold item | {ServedUsersWithColdItem:P2} |");
        text.AppendLine(c, $"| cold items' recall@{K} | {ServedColdRecall:F4} |");
        text.AppendLine(c, $"| every test item's recall@{K} | {ServedRecall:F4} |");
        text.AppendLine();
        text.AppendLine(c, $"| cold items alone, placed by | recall@{K} |");
        text.AppendLine("|---|---|");
        foreach (var (name, recall) in ColdOnlyRecall)
        {
            text.AppendLine(c, $"| {name} | {recall:F4} |");
        }

        return text.ToString();
    }
}
