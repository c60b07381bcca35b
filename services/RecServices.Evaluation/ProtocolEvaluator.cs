using System.Diagnostics;
using System.Globalization;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Evaluation;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;
using RecServices.Training.Bundling;

namespace RecServices.Evaluation;

/// <summary>
/// The protocol <c>ms-stratified-75</c> (docs/evaluation.md): split every item's ratings 75/25 (seed 42), build a
/// bundle from the train part only (its own validation carve comes out of the train part), then for
/// every user with a test rating run the served two-stage pipeline (<see cref="TwoStagePipeline"/>:
/// retrieval → seen filtering → ranking → top k), the same model over the whole catalog, and
/// popularity, all with the user's train items removed.
/// </summary>
/// <param name="build">How the bundle is built from the train part.</param>
/// <param name="log">Progress lines.</param>
/// <param name="historyLimit">The newest history items serving reads (the gateway's Recs:HistoryLimit).</param>
public sealed class ProtocolEvaluator(
    BuildOptions build,
    Action<string> log,
    int historyLimit = TwoStagePipeline.DefaultHistoryLimit
)
{
    public const string Protocol = "ms-stratified-75";
    public const string Served = "served two-stage";
    public const string FullCatalog = "full catalog (same model)";
    public const string Popularity = "popularity";
    public const string Ease = "EASE (yardstick)";

    /// <summary>Metric key: the share of recommended slots that hold one of the 1 % most popular items.</summary>
    public const string TopShare = "top1_share";

    public (EvaluationReport Report, IReadOnlyList<UserList> Lists) Run(
        Dataset dataset,
        string workDirectory,
        int k = 10,
        int maxCandidates = RetrievalOptions.DefaultCandidateCap,
        double quotaScale = RetrievalOptions.DefaultScale,
        int embeddingQuota = 0
    )
    {
        var (train, test) = ProtocolSplit(dataset);
        return RunOnSplit(dataset, train, test, Protocol, workDirectory, k, maxCandidates, quotaScale, embeddingQuota);
    }

    /// <summary>The protocol's split (docs/evaluation.md): per item, 75 % train and 25 % test, seed 42.</summary>
    public static (InteractionTable Train, InteractionTable Test) ProtocolSplit(Dataset dataset) =>
        StratifiedSplit.ByItem(dataset.Interactions, dataset.Items.Count, 0.75, 42);

    /// <summary>The same measurement on a given split (e.g. <c>--train u1.base --test u1.test</c>).</summary>
    public (EvaluationReport Report, IReadOnlyList<UserList> Lists) RunOnSplit(
        Dataset dataset,
        InteractionTable train,
        InteractionTable test,
        string protocol,
        string workDirectory,
        int k = 10,
        int maxCandidates = RetrievalOptions.DefaultCandidateCap,
        double quotaScale = RetrievalOptions.DefaultScale,
        int embeddingQuota = 0
    )
    {
        var clock = Stopwatch.StartNew();
        log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{protocol}: {train.Count} train and {test.Count} test ratings"
            )
        );
        var bundleDirectory = Path.Combine(workDirectory, "bundle");
        new BundleBuilder(build, log).Build(dataset.WithInteractions(train), bundleDirectory);
        var bundle = Bundle.Load(
            bundleDirectory,
            BundleParts.Retrieval | BundleParts.Core | BundleParts.EmbeddingIndex
        );

        var quotas = RetrievalOptions.DesignRecipe.Scaled(quotaScale) with { Embedding = embeddingQuota };
        using var ranker = new Ranker(bundle);
        var pipeline = TwoStagePipeline.Create(bundle, ranker, quotas, historyLimit);
        var ease = Training.Baselines.EaseBaseline.Fit(dataset, train, k, log, build.Training); // on the model's carve
        var measured = Measure(pipeline, dataset, train, test, k, maxCandidates, withReferences: true, ease);
        var report = new EvaluationReport(
            protocol,
            dataset.Name,
            bundle.Manifest.Version,
            measured.Users,
            k,
            maxCandidates,
            measured.MeanCandidates,
            measured.RetrievalRecall,
            measured.Rows,
            Math.Round(clock.Elapsed.TotalSeconds, 1)
        );
        return (report, measured.Lists);
    }

    /// <summary>
    /// Runs the served pipeline (and, with <paramref name="withReferences"/>, the full-catalog and popularity
    /// references) for every user with an interaction in <paramref name="heldOut"/>, their
    /// <paramref name="known"/> items as history, and averages the metrics. Also times each served request, and each
    /// full-catalog one for the same user (one after the other, so that both see the same machine).
    /// </summary>
    /// <remarks>With the references, <paramref name="ease"/> (when given) adds EASE's lists as one more row.</remarks>
    public static Measurement Measure(
        TwoStagePipeline pipeline,
        Dataset dataset,
        InteractionTable known,
        InteractionTable heldOut,
        int k,
        int maxCandidates,
        bool withReferences,
        Training.Baselines.EaseModel? ease = null
    )
    {
        var bundle = pipeline.Bundle;
        var histories = UserHistories.Build(known, dataset.Users.Count);
        var relevant = RelevantByUser(heldOut);
        var popular = PopularOrder(known, dataset.Items.Count);
        var head = popular.Take(HeadSize(dataset.Items.Count)).ToHashSet();
        var rows = new Dictionary<string, RowStats> { [Served] = new(k, head) };
        if (withReferences)
        {
            rows[FullCatalog] = new(k, head);
            rows[Popularity] = new(k, head);
            if (ease is not null)
            {
                rows[Ease] = new(k, head);
            }
        }

        var lists = new List<UserList>();
        var latencies = new List<double>();
        var catalogLatencies = new List<double>();
        double recall = 0,
            candidates = 0;
        foreach (var (u, items) in relevant.OrderBy(p => p.Key))
        {
            var profile = dataset.Users[u];
            var user = new UserProfile(histories.Of(u).ToArray(), profile.Age, profile.Gender);
            var started = Stopwatch.GetTimestamp();
            var (set, top) = pipeline.Recommend(user, profile.Country, k, maxCandidates);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var served = top.Select(r => r.Item).ToArray();
            rows[Served].Add(served, items);
            if (withReferences)
            {
                var seen = SeenFilter.Of(user.History);
                started = Stopwatch.GetTimestamp();
                var catalogTop = pipeline.RecommendFromCatalog(user, k);
                catalogLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                rows[FullCatalog].Add(catalogTop.Select(r => r.Item).ToArray(), items);
                rows[Popularity].Add(popular.Where(seen.Allows).Take(k).ToArray(), items);
                if (ease is not null)
                {
                    rows[Ease].Add(ease.Recommend(user.History, k), items);
                }
            }

            recall += items.Count(set.Contains) / (double)items.Count;
            candidates += set.Count;
            lists.Add(new UserList(profile.Id, served.Select(i => bundle.Catalog.IdOf(i)).ToArray()));
        }

        var users = Math.Max(1, relevant.Count);
        latencies.Sort();
        catalogLatencies.Sort();
        return new Measurement(
            relevant.Count,
            candidates / users,
            recall / users,
            rows.ToDictionary(
                p => p.Key,
                p => (IReadOnlyDictionary<string, double>)p.Value.Summary(dataset.Items.Count)
            ),
            lists,
            Percentiles.Of(latencies, 0.5),
            Percentiles.Of(latencies, 0.9),
            Percentiles.Of(latencies, 0.99),
            withReferences ? Percentiles.Of(catalogLatencies, 0.5) : double.NaN,
            withReferences ? Percentiles.Of(catalogLatencies, 0.99) : double.NaN
        );
    }

    /// <summary>
    /// Scores top-k lists produced elsewhere (e.g. by the running services over gRPC) for every user with an
    /// interaction in <paramref name="heldOut"/> (<paramref name="known"/> ranks the popular head); a user missing
    /// from <paramref name="lists"/> counts as an empty list.
    /// </summary>
    public static Measurement ScoreLists(
        Dataset dataset,
        InteractionTable known,
        InteractionTable heldOut,
        int k,
        IReadOnlyDictionary<int, int[]> lists
    )
    {
        var relevant = RelevantByUser(heldOut);
        var metrics = new RowStats(
            k,
            PopularOrder(known, dataset.Items.Count).Take(HeadSize(dataset.Items.Count)).ToHashSet()
        );
        var userLists = new List<UserList>();
        foreach (var (u, items) in relevant.OrderBy(p => p.Key))
        {
            var list = lists.TryGetValue(u, out var l) ? l : [];
            metrics.Add(list, items);
            userLists.Add(new UserList(dataset.Users[u].Id, list.Select(i => dataset.Items[i].Id).ToArray()));
        }

        var rows = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            [Served] = metrics.Summary(dataset.Items.Count),
        };
        return new Measurement(relevant.Count, double.NaN, double.NaN, rows, userLists, 0, 0);
    }

    /// <summary>The users with at least one interaction in <paramref name="heldOut"/>, in index order.</summary>
    public static IReadOnlyList<int> UsersOf(InteractionTable heldOut) => [.. RelevantByUser(heldOut).Keys.Order()];

    /// <summary>
    /// The 1 % most popular items (by train interactions), at least one: the head whose share of the lists is
    /// reported.
    /// </summary>
    public static int HeadSize(int itemCount) => Math.Max(1, (int)Math.Ceiling(itemCount / 100.0));

    /// <summary>
    /// One row's metrics, the items its lists covered, and how many list slots went to the popular head.
    /// </summary>
    private sealed class RowStats(int k, HashSet<int> head)
    {
        private readonly MetricAccumulator _metrics = new(k);
        private long _slots;
        private long _headSlots;

        public void Add(int[] list, HashSet<int> relevant)
        {
            _metrics.Add(list, relevant);
            _slots += list.Length;
            _headSlots += list.Count(head.Contains);
        }

        /// <summary>
        /// The metrics with <c>coverage</c> (share of the catalog in any list) and <c>top1_share</c> (share of list
        /// slots holding a top-1 % item).
        /// </summary>
        public SortedDictionary<string, double> Summary(int catalog) =>
            new(_metrics.ToDictionary().ToDictionary(), StringComparer.Ordinal)
            {
                ["coverage"] = _metrics.CoveredItems / (double)catalog,
                [TopShare] = _slots == 0 ? 0 : _headSlots / (double)_slots,
            };
    }

    private static Dictionary<int, HashSet<int>> RelevantByUser(InteractionTable test)
    {
        var result = new Dictionary<int, HashSet<int>>();
        for (var row = 0; row < test.Count; row++)
        {
            if (!result.TryGetValue(test.Users[row], out var set))
            {
                result[test.Users[row]] = set = [];
            }

            set.Add(test.Items[row]);
        }

        return result;
    }

    /// <summary>Items by train interaction count, most first (ties by index).</summary>
    private static int[] PopularOrder(InteractionTable train, int itemCount)
    {
        var counts = new int[itemCount];
        foreach (var item in train.Items)
        {
            counts[item]++;
        }

        return Enumerable.Range(0, itemCount).OrderByDescending(i => counts[i]).ThenBy(i => i).ToArray();
    }
}
