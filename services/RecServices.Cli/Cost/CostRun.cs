using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using RecServices.Cli.Hosting;
using RecServices.Cli.Load;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Evaluation;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;
using RecServices.Training.Bundling;
using RecServices.Training.Evaluation;

namespace RecServices.Cli.Cost;

/// <summary>
/// One catalog size of <c>recs cost</c>: generate the synthetic data, hold out a carve, build the bundle from the rest
/// (timing each step), score the served two-stage pipeline against full-catalog scoring on the carve in process, then start
/// retrieval, ranking and gateway one at a time over the bundle and time each hop over gRPC.
/// </summary>
/// <param name="workDirectory">Where each size's bundle goes (<c>&lt;items&gt;/bundle</c>).</param>
/// <param name="quality">Held-out users scored in process (a seeded sample).</param>
/// <param name="callUsers">Users whose requests the gRPC calls cycle through.</param>
/// <param name="warmup">Unmeasured seconds of each call first.</param>
/// <param name="duration">Measured seconds of each call.</param>
/// <param name="reuse">Serve a bundle an earlier run left in the work directory when it was built from the same data (its build steps as recorded then).</param>
/// <param name="output">Progress lines.</param>
public sealed class CostRun(string workDirectory, int quality, int callUsers, double warmup, double duration, bool reuse, TextWriter output)
{
    public const string GetCandidates = "retrieval GetCandidates";
    public const string RankCandidates = "ranking RankCandidates";
    public const string Recommend = "gateway Recommend";
    public const string Floor = "floor: ranking health Check";
    private const int K = 10;

    public async Task<SizeCost> RunAsync(CostScale scale, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(workDirectory, scale.Items.ToString(CultureInfo.InvariantCulture));
        var bundleDirectory = Path.Combine(directory, "bundle");
        var clock = Stopwatch.StartNew();
        output.WriteLine($"{scale.Items} items: generating {scale.Users} users and ~{scale.Interactions} interactions");
        var dataset = SyntheticDataset.Generate(scale.Synthetic);
        var (built, heldOut) = StratifiedSplit.ByItem(dataset.Interactions, dataset.Items.Count, 1 - CostScale.HoldOutFraction, CostScale.HoldOutSeed);
        var generated = new BuildStep("generate the data and hold out the carve", Math.Round(clock.Elapsed.TotalSeconds, 2), null);
        BundleManifest manifest;
        if (reuse && File.Exists(Path.Combine(bundleDirectory, BundleManifest.FileName))
            && Bundle.ReadManifest(bundleDirectory).Dataset.Fingerprint == dataset.WithInteractions(built).Fingerprint())
        {
            output.WriteLine($"{scale.Items} items: reusing the bundle in {bundleDirectory} (built from the same data)");
            manifest = Bundle.ReadManifest(bundleDirectory);
        }
        else
        {
            if (Directory.Exists(bundleDirectory))
            {
                Directory.Delete(bundleDirectory, recursive: true);
            }

            manifest = new BundleBuilder(scale.Build(built.Count), line => output.WriteLine(line)).Build(dataset.WithInteractions(built), bundleDirectory);
        }

        Collect();
        var build = BuildCostOf(manifest, generated, bundleDirectory);
        var users = Sample(heldOut, quality, dataset.Users.Count);
        var sampled = heldOut.Where(row => users.Contains(heldOut.Users[row]));
        var measured = Score(bundleDirectory, dataset, built, sampled);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{scale.Items} items: two-stage nDCG@10 {measured.TwoStageNdcg:F4} vs full catalog {measured.FullCatalogNdcg:F4} ({measured.NdcgShare:P1}); p50 {measured.TwoStageP50Ms:F3} ms vs {measured.FullCatalogP50Ms:F3} ms (× {measured.Speedup:F1})"));
        Collect();

        var histories = UserHistories.Build(built, dataset.Users.Count);
        var callSample = users.Order().Take(callUsers).Select(u => (dataset.Users[u], histories.Of(u).ToArray())).ToList();
        var (services, calls) = await ServeAsync(bundleDirectory, manifest, callSample, cancellationToken);
        return new SizeCost(scale.Items, dataset.Users.Count, dataset.Interactions.Count, build, measured, services, calls);
    }

    private static BuildCost BuildCostOf(BundleManifest manifest, BuildStep generated, string bundleDirectory)
    {
        IReadOnlyList<BuildStep> steps = [generated, .. manifest.BuildSteps ?? []];
        var bytes = manifest.Files.Sum(f => f.Bytes);
        return new BuildCost(
            Math.Round(steps.Sum(s => s.Seconds), 1), steps.Max(s => s.PeakRssBytes), bytes, steps,
            manifest.Training.Validation.GetValueOrDefault("ndcg@10"),
            manifest.Training.PopularityValidation?.GetValueOrDefault("ndcg@10"),
            manifest.SimilarItemsBuild);
    }

    /// <summary>The served pipeline (the services' defaults) and full-catalog scoring on the sampled carve, in process.</summary>
    private static QualityCost Score(string bundleDirectory, Dataset dataset, InteractionTable built, InteractionTable sampled)
    {
        var bundle = Bundle.Load(bundleDirectory, BundleParts.Retrieval | BundleParts.Core);
        using var ranker = new Ranker(bundle);
        var pipeline = TwoStagePipeline.Create(bundle, ranker, RetrievalOptions.Default);
        var m = ProtocolEvaluator.Measure(pipeline, dataset.WithInteractions(built), built, sampled, K, RetrievalOptions.DefaultCandidateCap, withReferences: true);
        double Ndcg(string row) => Math.Round(m.Rows[row][$"ndcg@{K}"], 4);
        return new QualityCost(
            m.Users, Math.Round(m.MeanCandidates, 1), Ndcg(ProtocolEvaluator.Served), Ndcg(ProtocolEvaluator.FullCatalog), Ndcg(ProtocolEvaluator.Popularity),
            Math.Round(m.LatencyP50Ms, 4), Math.Round(m.LatencyP99Ms, 4), Math.Round(m.CatalogLatencyP50Ms, 4), Math.Round(m.CatalogLatencyP99Ms, 4));
    }

    private async Task<(IReadOnlyList<ServiceCost>, IReadOnlyList<CallCost>)> ServeAsync(
        string bundleDirectory, BundleManifest manifest, IReadOnlyList<(User Profile, int[] History)> users, CancellationToken cancellationToken)
    {
        output.WriteLine($"{manifest.ItemCount} items: starting retrieval, ranking and gateway one at a time (the gateway seeds its SQLite store from the bundle)");
        await using var system = await LocalServices.StartAsync(bundleDirectory, readyTimeout: TimeSpan.FromHours(1), oneAtATime: true, cancellationToken: cancellationToken);
        var ready = system.Processes.Select(p => (p.ReadySeconds ?? double.NaN, p.Resident())).ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{manifest.ItemCount} items: SERVING after {string.Join(", ", system.Processes.Zip(ready, (p, r) => $"{Short(p.Name)} {r.Item1:F2} s"))}"));

        var catalog = Bundle.Load(bundleDirectory, BundleParts.Catalog).Catalog;
        using var hops = await HopCalls.CreateAsync(system.RetrievalAddress, system.RankingAddress, catalog, users, K, cancellationToken);
        using var gateway = new LoadTarget(system.GatewayAddress, users.Select(u => u.Profile.Id).ToList(), [], K);
        var calls = new List<CallCost>();
        foreach (var (name, call) in new (string, ClosedLoop.Call)[]
        {
            (GetCandidates, hops.GetCandidatesAsync),
            (RankCandidates, hops.RankCandidatesAsync),
            (Recommend, gateway.RecommendAsync),
            (Floor, hops.HealthCheckAsync),
        })
        {
            await ClosedLoop.RunAsync(call, 1, TimeSpan.FromSeconds(warmup), cancellationToken);
            var summary = await ClosedLoop.RunAsync(call, 1, TimeSpan.FromSeconds(duration), cancellationToken);
            calls.Add(new CallCost(name, summary));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{manifest.ItemCount} items: {name}: p50 {summary.P50Ms:F3} ms, p99 {summary.P99Ms:F3} ms over {summary.Requests} calls, {summary.Errors} errors"));
        }

        var parts = new[] { BundleParts.Retrieval, BundleParts.Core, BundleParts.TopLists };
        var services = system.Processes.Select((p, i) =>
        {
            var after = p.Resident();
            var tables = Bundle.FilesOf(manifest, parts[Math.Min(i, 2)]).Sum(f => f.Bytes);
            return new ServiceCost(Short(p.Name), Math.Round(ready[i].Item1, 3), tables, ready[i].Item2.Total, after.Total, after.Anonymous, after.File);
        }).ToList();
        return (services, calls);
    }

    /// <summary>A seeded sample of at most <paramref name="count"/> users with held-out interactions.</summary>
    private static HashSet<int> Sample(InteractionTable heldOut, int count, int userCount)
    {
        var present = new bool[userCount];
        foreach (var user in heldOut.Users)
        {
            present[user] = true;
        }

        var users = Enumerable.Range(0, userCount).Where(u => present[u]).ToArray();
        new Random(CostScale.HoldOutSeed).Shuffle(users);
        return users.Take(count).ToHashSet();
    }

    private static string Short(string name) => name.Replace("RecServices.", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static void Collect()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
