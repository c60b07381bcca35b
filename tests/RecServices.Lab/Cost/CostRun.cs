using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Evaluation;
using RecServices.Evaluation;
using RecServices.Lab.Load;
using RecServices.LocalSystem;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;
using RecServices.Training.Bundling;

namespace RecServices.Lab.Cost;

/// <summary>
/// <c>recs-lab cost</c>'s measurement. First, size by size: generate the synthetic data, hold out a carve, build the
/// bundle from the rest (timing each step), and score the served two-stage pipeline against full-catalog scoring on
/// the carve in process. Then start retrieval, ranking and gateway of every size, one process at a time, and time
/// GetCandidates, RankCandidates and Recommend over gRPC in rounds that take the sizes in turn, so that a change in
/// the machine's load during the run reaches every size alike.
/// </summary>
/// <param name="workDirectory">Where each size's bundle goes (<c>&lt;items&gt;/bundle</c>).</param>
/// <param name="quality">Held-out users scored in process (a seeded sample).</param>
/// <param name="callUsers">Users whose requests the gRPC calls cycle through.</param>
/// <param name="warmup">Unmeasured seconds of each call first.</param>
/// <param name="duration">Measured seconds of each call, split evenly over the rounds.</param>
/// <param name="rounds">Rounds over the sizes.</param>
/// <param name="reuse">Serve a bundle an earlier run left in the work directory when it was built from the same data
/// (its build steps as recorded then).</param>
/// <param name="output">Progress lines.</param>
public sealed class CostRun(
    string workDirectory,
    int quality,
    int callUsers,
    double warmup,
    double duration,
    int rounds,
    bool reuse,
    TextWriter output
)
{
    public const string GetCandidates = "retrieval GetCandidates";
    public const string RankCandidates = "ranking RankCandidates";
    public const string Recommend = "gateway Recommend";
    public const string Floor = "floor: ranking health Check";
    private const int K = 10;

    public async Task<IReadOnlyList<SizeCost>> RunAsync(
        IReadOnlyList<CostScale> scales,
        CancellationToken cancellationToken
    )
    {
        var prepared = new List<Prepared>();
        foreach (var scale in scales)
        {
            cancellationToken.ThrowIfCancellationRequested();
            prepared.Add(Prepare(scale));
            Collect();
        }

        return await ServeAsync(prepared, cancellationToken);
    }

    /// <summary>What the gRPC phase needs of a size, and what the offline phase measured.</summary>
    private sealed record Prepared(
        int Items,
        int Users,
        int Interactions,
        string BundleDirectory,
        BundleManifest Manifest,
        BuildCost Build,
        QualityCost Quality,
        IReadOnlyList<(User Profile, int[] History)> CallUsers
    );

    private Prepared Prepare(CostScale scale)
    {
        var directory = Path.Combine(workDirectory, scale.Items.ToString(CultureInfo.InvariantCulture));
        var bundleDirectory = Path.Combine(directory, "bundle");
        var clock = Stopwatch.StartNew();
        output.WriteLine($"{scale.Items} items: generating {scale.Users} users and ~{scale.Interactions} interactions");
        var dataset = SyntheticDataset.Generate(scale.Synthetic);
        var (built, heldOut) = StratifiedSplit.ByItem(
            dataset.Interactions,
            dataset.Items.Count,
            1 - CostScale.HoldOutFraction,
            CostScale.HoldOutSeed
        );
        var generated = new BuildStep(
            "generate the data and hold out the carve",
            Math.Round(clock.Elapsed.TotalSeconds, 2),
            null
        );
        var manifest =
            reuse && File.Exists(Path.Combine(bundleDirectory, BundleManifest.FileName))
                ? Bundle.ReadManifest(bundleDirectory)
                : null;
        if (manifest is not null && manifest.Dataset.Fingerprint == dataset.WithInteractions(built).Fingerprint())
        {
            output.WriteLine(
                $"{scale.Items} items: reusing the bundle in {bundleDirectory} (built from the same data)"
            );
        }
        else
        {
            if (Directory.Exists(bundleDirectory))
            {
                Directory.Delete(bundleDirectory, recursive: true);
            }

            manifest = new BundleBuilder(scale.Build(built.Count), line => output.WriteLine(line)).Build(
                dataset.WithInteractions(built),
                bundleDirectory
            );
        }

        Collect();
        var users = Sample(heldOut, quality);
        var histories = UserHistories.Build(built, dataset.Users.Count);
        var measured = Score(
            bundleDirectory,
            dataset,
            built,
            histories,
            heldOut.Where(row => users.Contains(heldOut.Users[row]))
        );
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{scale.Items} items: two-stage nDCG@10 {measured.TwoStageNdcg:F4} vs full catalog "
                    + $"{measured.FullCatalogNdcg:F4} ({measured.NdcgShare:P1}); p50 "
                    + $"{measured.TwoStageP50Ms:F3} ms vs {measured.FullCatalogP50Ms:F3} ms (× "
                    + $"{measured.Speedup:F1})"
            )
        );
        var callSample = users
            .Order()
            .Take(callUsers)
            .Select(u => (dataset.Users[u], histories.Of(u).ToArray()))
            .ToList();
        return new Prepared(
            scale.Items,
            dataset.Users.Count,
            dataset.Interactions.Count,
            bundleDirectory,
            manifest,
            BuildCostOf(manifest, generated),
            measured,
            callSample
        );
    }

    private static BuildCost BuildCostOf(BundleManifest manifest, BuildStep generated)
    {
        IReadOnlyList<BuildStep> steps = [generated, .. manifest.BuildSteps ?? []];
        var bytes = manifest.Files.Sum(f => f.Bytes);
        return new BuildCost(
            Math.Round(steps.Sum(s => s.Seconds), 1),
            steps.Max(s => s.PeakRssBytes),
            bytes,
            steps,
            manifest.Training.Validation.GetValueOrDefault("ndcg@10"),
            manifest.Training.PopularityValidation?.GetValueOrDefault("ndcg@10"),
            manifest.SimilarItemsBuild
        );
    }

    /// <summary>
    /// The served pipeline (the services' defaults) and full-catalog scoring on the sampled carve, in process:
    /// nDCG@10 from the protocol's measurement, then each path timed alone over the same users (two-stage, then
    /// full catalog).
    /// </summary>
    /// <remarks>
    /// Timed alone because interleaved, each two-stage request would start with the caches emptied by the full-catalog
    /// scan before it (at 1M items, 260 MB streamed): the interleaved times are kept in the JSON for comparison. Each
    /// path is first run untimed for at least two seconds, so that the JIT has compiled it fully and the pages of the
    /// mapped tables these users read are mapped (a first touch costs a page fault even when the file is in the page
    /// cache).
    /// </remarks>
    private static QualityCost Score(
        string bundleDirectory,
        Dataset dataset,
        InteractionTable built,
        UserHistories histories,
        InteractionTable sampled
    )
    {
        var bundle = Bundle.Load(bundleDirectory, BundleParts.Retrieval | BundleParts.Core);
        using var ranker = new Ranker(bundle);
        var pipeline = TwoStagePipeline.Create(bundle, ranker, RetrievalOptions.Default);
        var m = ProtocolEvaluator.Measure(
            pipeline,
            dataset.WithInteractions(built),
            built,
            sampled,
            K,
            RetrievalOptions.DefaultCandidateCap,
            withReferences: true
        );
        double Ndcg(string row) => Math.Round(m.Rows[row][$"ndcg@{K}"], 4);

        var users = ProtocolEvaluator
            .UsersOf(sampled)
            .Select(u =>
                (
                    Profile: new UserProfile(histories.Of(u).ToArray(), dataset.Users[u].Age, dataset.Users[u].Gender),
                    dataset.Users[u].Country
                )
            )
            .ToList();
        var twoStage = TimeAlone(
            users,
            u => pipeline.Recommend(u.Profile, u.Country, K, RetrievalOptions.DefaultCandidateCap)
        );
        var full = TimeAlone(users, u => pipeline.RecommendFromCatalog(u.Profile, K));
        return new QualityCost(
            m.Users,
            Math.Round(m.MeanCandidates, 1),
            Ndcg(ProtocolEvaluator.Served),
            Ndcg(ProtocolEvaluator.FullCatalog),
            Ndcg(ProtocolEvaluator.Popularity),
            Round(Percentiles.Of(twoStage, 0.5)),
            Round(Percentiles.Of(twoStage, 0.99)),
            Round(Percentiles.Of(full, 0.5)),
            Round(Percentiles.Of(full, 0.99))
        )
        {
            InterleavedTwoStageP50Ms = Round(m.LatencyP50Ms),
            InterleavedFullCatalogP50Ms = Round(m.CatalogLatencyP50Ms),
        };
    }

    /// <summary>
    /// Milliseconds per user of <paramref name="request"/>, sorted, after an untimed warm-up of at least two
    /// seconds.
    /// </summary>
    private static List<double> TimeAlone<T>(
        List<(UserProfile Profile, string? Country)> users,
        Func<(UserProfile Profile, string? Country), T> request
    )
    {
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < users.Count || warm.Elapsed < TimeSpan.FromSeconds(2); i++)
        {
            request(users[i % users.Count]);
        }

        var latencies = new List<double>(users.Count);
        foreach (var user in users)
        {
            var started = Stopwatch.GetTimestamp();
            request(user);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        latencies.Sort();
        return latencies;
    }

    private static double Round(double ms) => Math.Round(ms, 4);

    private async Task<IReadOnlyList<SizeCost>> ServeAsync(
        IReadOnlyList<Prepared> sizes,
        CancellationToken cancellationToken
    )
    {
        var served = new List<Served>();
        try
        {
            foreach (var size in sizes)
            {
                served.Add(await StartAsync(size, cancellationToken));
            }

            var measured = await MeasureAsync(served, cancellationToken);
            return [.. served.Select((s, i) => CostOf(s, measured[i]))];
        }
        finally
        {
            foreach (var s in served)
            {
                await s.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Each call of every size warmed up, then measured in rounds: every size's calls in turn each round, so that a
    /// slow spell of the machine falls on every size alike.
    /// </summary>
    private async Task<List<Dictionary<string, Windows>>> MeasureAsync(
        List<Served> served,
        CancellationToken cancellationToken
    )
    {
        var measured = served.Select(_ => Calls.ToDictionary(c => c, _ => new Windows())).ToList();
        foreach (var s in served)
        {
            foreach (var call in Calls)
            {
                await ClosedLoop.CollectAsync(s.Call(call), 1, TimeSpan.FromSeconds(warmup), cancellationToken);
            }
        }

        for (var round = 1; round <= rounds; round++)
        {
            output.WriteLine(
                $"calls over gRPC, round {round} of {rounds}: {duration / rounds:0.##} s of each call per size"
            );
            for (var i = 0; i < served.Count; i++)
            {
                foreach (var call in Calls)
                {
                    var window = TimeSpan.FromSeconds(duration / rounds);
                    measured[i]
                        [call]
                        .Add(await ClosedLoop.CollectAsync(served[i].Call(call), 1, window, cancellationToken));
                }
            }
        }

        return measured;
    }

    /// <summary>A served size's cost: its calls' latencies (printed too), each service's start-up and memory.</summary>
    private SizeCost CostOf(Served s, Dictionary<string, Windows> measured)
    {
        var calls = Calls.Select(c => new CallCost(c, measured[c].Summary())).ToList();
        foreach (var call in calls)
        {
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{s.Size.Items} items: {call.Call}: p50 {call.Summary.P50Ms:F3} ms, "
                        + $"p99 {call.Summary.P99Ms:F3} ms over {call.Summary.Requests} calls, "
                        + $"{call.Summary.Errors} errors"
                )
            );
        }

        var parts = new[] { BundleParts.Retrieval, BundleParts.Core, BundleParts.TopLists };
        var services = s
            .System.Processes.Select(
                (p, j) =>
                {
                    var after = p.Resident();
                    var tables = Bundle.FilesOf(s.Size.Manifest, parts[Math.Min(j, 2)]).Sum(f => f.Bytes);
                    return new ServiceCost(
                        Short(p.Name),
                        Math.Round(s.Ready[j].Seconds, 3),
                        tables,
                        s.Ready[j].Resident.Total,
                        after.Total,
                        after.Anonymous,
                        after.File
                    );
                }
            )
            .ToList();
        return new SizeCost(
            s.Size.Items,
            s.Size.Users,
            s.Size.Interactions,
            s.Size.Build,
            s.Size.Quality,
            services,
            calls
        );
    }

    private static readonly string[] Calls = [GetCandidates, RankCandidates, Recommend, Floor];

    private async Task<Served> StartAsync(Prepared size, CancellationToken cancellationToken)
    {
        output.WriteLine(
            $"{size.Items} items: starting retrieval, ranking and gateway one at a time (the gateway "
                + $"seeds its SQLite store from the bundle)"
        );
        var system = await LocalServices.StartAsync(
            size.BundleDirectory,
            readyTimeout: TimeSpan.FromHours(1),
            oneAtATime: true,
            cancellationToken: cancellationToken
        );
        try
        {
            var ready = system.Processes.Select(p => (p.ReadySeconds ?? double.NaN, p.Resident())).ToArray();
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{size.Items} items: SERVING after "
                        + $"{string.Join(", ", system.Processes.Zip(ready, (p, r) => $"{Short(p.Name)} {r.Item1:F2} s"))}"
                )
            );
            var bundle = Bundle.Load(size.BundleDirectory, BundleParts.Catalog);
            var hops = await HopCalls.CreateAsync(
                system.RetrievalAddress,
                system.RankingAddress,
                bundle,
                size.CallUsers,
                K,
                cancellationToken
            );
            var gateway = new LoadTarget(
                system.GatewayAddress,
                size.CallUsers.Select(u => u.Profile.Id).ToList(),
                [],
                K
            );
            return new Served(size, system, ready, hops, gateway);
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>One call's measured windows over the rounds, summarised together.</summary>
    private sealed class Windows
    {
        private readonly List<double> _latencies = [];
        private readonly Dictionary<Grpc.Core.StatusCode, long> _errors = [];
        private double _seconds;

        public void Add((List<double> Latencies, Dictionary<Grpc.Core.StatusCode, long> Errors, double Seconds) window)
        {
            _latencies.AddRange(window.Latencies);
            foreach (var (code, count) in window.Errors)
            {
                _errors[code] = _errors.GetValueOrDefault(code) + count;
            }

            _seconds += window.Seconds;
        }

        public LoadSummary Summary() => LoadSummary.From(_latencies, _errors, _seconds);
    }

    /// <summary>One size's running system and its callers.</summary>
    private sealed record Served(
        Prepared Size,
        LocalServices System,
        (double Seconds, ResidentBytes Resident)[] Ready,
        HopCalls Hops,
        LoadTarget Gateway
    ) : IAsyncDisposable
    {
        public ClosedLoop.Call Call(string name) =>
            name switch
            {
                GetCandidates => Hops.GetCandidatesAsync,
                RankCandidates => Hops.RankCandidatesAsync,
                Recommend => Gateway.RecommendAsync,
                _ => Hops.RankingHealthAsync,
            };

        public async ValueTask DisposeAsync()
        {
            Hops.Dispose();
            Gateway.Dispose();
            await System.DisposeAsync();
        }
    }

    /// <summary>A seeded sample of at most <paramref name="count"/> users with held-out interactions.</summary>
    private static HashSet<int> Sample(InteractionTable heldOut, int count)
    {
        var users = ProtocolEvaluator.UsersOf(heldOut).ToArray();
        new Random(CostScale.HoldOutSeed).Shuffle(users);
        return users.Take(count).ToHashSet();
    }

    private static string Short(string name) =>
        name.Replace("RecServices.", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static void Collect()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
