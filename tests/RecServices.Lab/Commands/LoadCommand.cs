using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using RecServices.Cli.Commands;
using RecServices.Core.Bundles;
using RecServices.Lab.Load;
using RecServices.LocalSystem;

namespace RecServices.Lab.Commands;

/// <summary>
/// <c>recs-lab load --target &lt;gateway&gt; --bundle &lt;dir&gt; | --spawn &lt;bundle&gt; [--store sqlite|redis …]
/// [--record]</c>: closed-loop load on the gateway's Recommend, optionally on RecordInteraction, and in the same
/// run the floor (grpc.health.v1 Check on the same process at the same concurrency), with the ratios between them.
/// With several --store values the spawned system is measured once per user store, one after the other.
/// </summary>
public static class LoadCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var options = new LoadOptions();
        return CommandDefinition.Of(
            "load",
            "Closed-loop load on the gateway's Recommend (and RecordInteraction) against the gRPC floor "
                + "(health Check on the same process); or the cost model hop by hop, or latency at fixed rates.",
            options.All,
            error,
            (parse, cancellationToken) => ExecuteAsync(options.Read(parse), output, cancellationToken)
        );
    }

    /// <summary>
    /// One run as asked: the performance run (cost model, fixed rates), or the closed-loop load on each spawned
    /// store in turn or on the target; 1 when a side answered nothing.
    /// </summary>
    private static async Task<int> ExecuteAsync(
        LoadArguments run,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        if (IsDebugBuild())
        {
            output.WriteLine(
                "warning: this recs is a Debug build; measure with 'dotnet run -c "
                    + "Release --project tests/RecServices.Lab -- load ...'"
            );
        }

        var bundle = Bundle.LoadServed(run.SpawnPath ?? run.BundlePath!, BundleParts.Users);
        var users = bundle.Users!.Select(u => u.Id).ToList();
        if (users.Count == 0)
        {
            throw new ArgumentException("the bundle has no users to request");
        }

        if (run.Promote is not null && !Directory.Exists(new BundleRoot(run.SpawnPath!).VersionPath(run.Promote)))
        {
            throw new ArgumentException(
                "--promote needs --spawn <bundle root> holding that version under versions/, and one --store"
            );
        }

        if (run.Performance is { } performance)
        {
            var report = await performance.RunAsync(
                run.SpawnPath!,
                run.Stores[0],
                bundle,
                users,
                output,
                cancellationToken
            );
            WriteJson(run.Json, report, output);
            return 0;
        }

        var items = bundle.Catalog.Items.Select(i => i.Id).ToList();
        var reports = new List<LoadReport>();
        if (run.SpawnPath is { } spawnPath)
        {
            foreach (var store in run.Stores)
            {
                reports.Add(await RunSpawnedAsync(run, spawnPath, store, users, items, output, cancellationToken));
            }
        }
        else
        {
            reports.Add(
                await RunAsync(
                    run.Address!,
                    "as configured",
                    users,
                    items,
                    run.Settings,
                    run.Record,
                    output,
                    cancellationToken
                )
            );
        }

        foreach (var report in reports)
        {
            output.WriteLine(Table(report));
        }

        WriteJson(run.Json, reports.Count == 1 ? reports[0] : reports, output);
        return reports.Any(r => r.Recommend.Requests == 0 || r.RecordInteraction is { Requests: 0 }) ? 1 : 0;
    }

    /// <summary>The three services (and redis-server) started over the bundle with one user store, then
    /// loaded.</summary>
    private static async Task<LoadReport> RunSpawnedAsync(
        LoadArguments run,
        string spawnPath,
        string store,
        List<string> users,
        List<string> items,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        await using var services = await LocalServices.StartAsync(spawnPath, store, output, cancellationToken);
        var pids = services.Processes.Select(p => p.ProcessId).Append(services.Redis?.ProcessId ?? 0);
        output.WriteLine(
            $"gateway {services.GatewayAddress} serving (pids {string.Join(", ", pids.Where(p => p != 0))})"
        );
        return await RunAsync(
            services.GatewayAddress,
            store,
            users,
            items,
            run.Settings,
            run.Record,
            output,
            cancellationToken,
            run.Promote is not { } promoted
                ? null
                : load => new PromotionDuringLoad(
                    new BundleRoot(spawnPath),
                    promoted,
                    services.Processes,
                    load,
                    output
                ),
            CpuWindow.Of(services)
        );
    }

    public static async Task<LoadReport> RunAsync(
        string address,
        string store,
        IReadOnlyList<string> users,
        IReadOnlyList<string> items,
        LoadSettings settings,
        bool measureRecord,
        TextWriter output,
        CancellationToken cancellationToken,
        Func<LoadTarget, PromotionDuringLoad>? promotion = null,
        CpuWindow? cpu = null
    )
    {
        using var load = new LoadTarget(address, users, items, settings.Count);
        var measured = TimeSpan.FromSeconds(settings.DurationSeconds);
        Task<PromotionReport>? promoting = null;
        var (recommend, recommendCpu) = await SideAsync(
            "Recommend",
            load.RecommendAsync,
            settings,
            cpu,
            output,
            () => promoting = promotion?.Invoke(load).RunAsync(measured, cancellationToken),
            cancellationToken
        );
        var promoted = promoting is null ? null : await promoting;
        var recorded = measureRecord
            ? (
                await SideAsync(
                    "RecordInteraction",
                    load.RecordInteractionAsync,
                    settings,
                    null,
                    output,
                    null,
                    cancellationToken
                )
            ).Summary
            : null;
        var (floor, floorCpu) = await SideAsync(
            "floor (grpc.health.v1 Check)",
            load.HealthCheckAsync,
            settings,
            cpu,
            output,
            null,
            cancellationToken
        );
        var ratio = new LoadRatio(
            Math.Round(recommend.P50Ms / Math.Max(floor.P50Ms, 1e-9), 2),
            Math.Round(recommend.ThroughputRps / Math.Max(floor.ThroughputRps, 1e-9), 3)
        );
        return new LoadReport(
            address,
            store,
            settings.Concurrency,
            settings.DurationSeconds,
            settings.WarmupSeconds,
            settings.Count,
            Machine(),
            recommend,
            recorded,
            floor,
            ratio,
            promoted,
            recommendCpu,
            floorCpu
        );
    }

    /// <summary>
    /// One side of the run: warm-up, then the measured window at the run's concurrency (<paramref name="measuring"/>
    /// told as it begins), with each process's CPU per call when <paramref name="cpu"/> is given.
    /// </summary>
    private static async Task<(LoadSummary Summary, IReadOnlyDictionary<string, double?>? Cpu)> SideAsync(
        string name,
        ClosedLoop.Call call,
        LoadSettings settings,
        CpuWindow? cpu,
        TextWriter output,
        Action? measuring,
        CancellationToken cancellationToken
    )
    {
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{name}: warm-up {settings.WarmupSeconds} s, then {settings.DurationSeconds} s at "
                    + $"concurrency {settings.Concurrency}"
            )
        );
        var (warm, measured) = (
            TimeSpan.FromSeconds(settings.WarmupSeconds),
            TimeSpan.FromSeconds(settings.DurationSeconds)
        );
        await ClosedLoop.RunAsync(call, settings.Concurrency, warm, cancellationToken);
        measuring?.Invoke();
        cpu?.Start();
        var summary = await ClosedLoop.RunAsync(call, settings.Concurrency, measured, cancellationToken);
        return (summary, cpu?.PerCall(summary.Requests + summary.Errors));
    }

    public static string Table(LoadReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine(
            c,
            $"{r.Target} ({r.Store} user store), concurrency {r.Concurrency}, {r.DurationSeconds} s per "
                + $"side, top {r.Count}; {r.Machine}"
        );
        text.AppendLine(
            "| call | requests | throughput (req/s) | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |"
        );
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (
            var (name, s) in new[]
            {
                ("Recommend", r.Recommend),
                ("RecordInteraction", r.RecordInteraction),
                ("floor: health Check", r.Floor),
            }
        )
        {
            if (s is null)
            {
                continue;
            }

            var errors =
                s.Errors == 0
                    ? "0"
                    : $"{s.Errors} ({string.Join(", ", s.ErrorsByStatus.Select(e => $"{e.Key} {e.Value}"))})";
            text.AppendLine(
                c,
                $"| {name} | {s.Requests} | {s.ThroughputRps:F0} | {s.P50Ms:F3} | {s.P90Ms:F3} | "
                    + $"{s.P99Ms:F3} | {s.P999Ms:F3} | {s.MaxMs:F3} | {errors} |"
            );
        }

        text.AppendLine(c, $"Recommend / floor: p50 × {r.Ratio.P50:F2}, throughput × {r.Ratio.Throughput:F3}");
        if (r.RecommendCpu is { } recommendCpu && r.FloorCpu is { } floorCpu)
        {
            text.AppendLine(
                c,
                $"CPU µs per call, Recommend: "
                    + $"{string.Join(", ", recommendCpu.Select(p => $"{p.Key} {p.Value:F0}"))}; floor: "
                    + $"{string.Join(", ", floorCpu.Select(p => $"{p.Key} {p.Value:F0}"))}"
            );
        }

        if (r.Promotion is { } p)
        {
            text.AppendLine(
                c,
                $"promoted {p.Version} at {p.AtSeconds:F1} s; first answer on it after "
                    + $"{(p.FirstAnswerSeconds is { } s ? s.ToString("F2", c) + " s" : "none")}; load and "
                    + $"validate: {string.Join(", ", p.LoadSeconds.Select(l => $"{l.Key} {l.Value:F1} s"))}"
            );
            var memory = p.Memory.Select(m =>
                string.Create(
                    c,
                    $"{m.Key} {m.Value.Before:F0} / {m.Value.Peak:F0} / {m.Value.After:F0} "
                        + $"({m.Value.AnonBefore:F0} / {m.Value.AnonPeak:F0} / {m.Value.AnonAfter:F0})"
                )
            );
            text.AppendLine(c, $"resident MB before / peak / after (anonymous): {string.Join("; ", memory)}");
        }
        return text.ToString();
    }

    /// <summary>
    /// Writes <paramref name="value"/> as indented JSON to <paramref name="file"/>, when one was given, and says
    /// where.
    /// </summary>
    private static void WriteJson(string? file, object value, TextWriter output)
    {
        if (file is not null)
        {
            File.WriteAllText(file, JsonSerializer.Serialize(value, value.GetType(), JsonOptions));
            output.WriteLine($"wrote {Path.GetFullPath(file)}");
        }
    }

    /// <summary>The machine a measurement ran on, as the reports print it: cores, OS, runtime.</summary>
    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, "
        + $"{RuntimeInformation.FrameworkDescription}";

    private static bool IsDebugBuild() =>
        typeof(LoadCommand).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled ?? false;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>What one <c>recs-lab load</c> run was asked for, checked.</summary>
    private sealed record LoadArguments(
        string? Address,
        string? BundlePath,
        string? SpawnPath,
        LoadSettings Settings,
        string[] Stores,
        string? Promote,
        bool Record,
        string? Json,
        PerformanceRun? Performance
    );

    /// <summary><c>recs-lab load</c>'s options, and the checks between them.</summary>
    private sealed class LoadOptions
    {
        public Option<string?> Target { get; } =
            new("--target")
            {
                Description =
                    "The gateway's gRPC address, e.g. http://localhost:5131; needs --bundle for the user ids.",
            };
        public Option<string?> BundleDir { get; } =
            new("--bundle")
            {
                Description = "With --target: the bundle the gateway serves (its users are requested in turn).",
            };
        public Option<string?> Spawn { get; } =
            new("--spawn")
            {
                Description =
                    "Start retrieval, ranking and gateway as processes on loopback over this bundle, "
                    + "measure, and stop them.",
            };
        public Option<int> Concurrency { get; } =
            new("--concurrency")
            {
                Description = "Calls in flight (closed loop: each worker calls again as soon as its call ends).",
                DefaultValueFactory = _ => 1,
            };
        public Option<double> Duration { get; } =
            new("--duration")
            {
                Description = "Seconds measured per side (Recommend, then the floor).",
                DefaultValueFactory = _ => 10,
            };
        public Option<double> Warmup { get; } =
            new("--warmup")
            {
                Description =
                    "Seconds of unmeasured calls per side first: tiered JIT compilation of the services "
                    + "takes this long to settle under load.",
                DefaultValueFactory = _ => 15,
            };
        public Option<int> Count { get; } =
            new("--count") { Description = "Items per Recommend.", DefaultValueFactory = _ => 10 };
        public Option<string?> Json { get; } =
            new("--json")
            {
                Description =
                    "Write the results as JSON to this file (an object; an array of them, one per store, "
                    + "when several --store are given).",
            };
        public Option<string[]> Stores { get; } =
            new("--store")
            {
                Description =
                    "With --spawn: the gateway's user store, sqlite or redis (a redis-server started for the "
                    + "run, AOF fsync always); repeat to measure each in turn.",
                DefaultValueFactory = _ => ["sqlite"],
                AllowMultipleArgumentsPerToken = true,
            };
        public Option<string?> Promote { get; } =
            new("--promote")
            {
                Description =
                    "With --spawn over a bundle root: promote this version halfway through the measured "
                    + "Recommend window, and report the time until answers carry it, each service's load time "
                    + "and resident memory around the swap.",
            };
        public Option<bool> Record { get; } =
            new("--record")
            {
                Description =
                    "Also measure RecordInteraction (it writes interactions for the bundle's users into the "
                    + "gateway's store: never against a production gateway).",
            };
        public Option<bool> CostModel { get; } =
            new("--cost-model")
            {
                Description =
                    "With --spawn: the cost model instead: retrieval's GetCandidates and ranking's "
                    + "RankCandidates alone (the gateway's requests for the bundle's users), each beside its "
                    + "process's health Check, then Recommend beside the gateway's Check, at concurrency 1 and "
                    + "--saturation-concurrency, with every process's CPU per call from /proc.",
            };
        public Option<double[]> Rates { get; } =
            new("--rate")
            {
                Description =
                    "With --spawn: Recommend open loop at these fixed arrival rates (calls/s), latency from "
                    + "each call's scheduled start (HdrHistogram), CPU per call by process.",
                AllowMultipleArgumentsPerToken = true,
            };
        public Option<double[]> Shares { get; } =
            new("--rate-shares")
            {
                Description =
                    "With --spawn: measure the saturation throughput (closed loop at "
                    + "--saturation-concurrency), then Recommend open loop at these shares of it, e.g. 0.25 "
                    + "0.5 0.75.",
                AllowMultipleArgumentsPerToken = true,
            };
        public Option<int> SaturationConcurrency { get; } =
            new("--saturation-concurrency")
            {
                Description = "With --cost-model or --rate-shares: the concurrency that saturates the system.",
                DefaultValueFactory = _ => 32,
            };

        public Option[] All =>
            [
                Target,
                BundleDir,
                Spawn,
                Concurrency,
                Duration,
                Warmup,
                Count,
                Json,
                Stores,
                Record,
                Promote,
                CostModel,
                Rates,
                Shares,
                SaturationConcurrency,
            ];

        /// <summary>The run the options ask for; ArgumentException naming the options that do not go
        /// together.</summary>
        public LoadArguments Read(ParseResult parse)
        {
            var (address, bundlePath, spawnPath) = (
                parse.GetValue(Target),
                parse.GetValue(BundleDir),
                parse.GetValue(Spawn)
            );
            if ((address is null) == (spawnPath is null))
            {
                throw new ArgumentException(
                    "give either --target <gateway address> with --bundle <dir>, or --spawn <bundle>"
                );
            }

            if (address is not null && bundlePath is null)
            {
                throw new ArgumentException(
                    "--target needs --bundle <dir>: the bundle the gateway serves, whose users are requested"
                );
            }

            var settings = new LoadSettings(
                parse.GetValue(Concurrency),
                parse.GetValue(Duration),
                parse.GetValue(Warmup),
                parse.GetValue(Count)
            );
            settings.Validate();
            var stores = parse.GetValue(Stores)!.Distinct(StringComparer.Ordinal).ToArray();
            if (stores.FirstOrDefault(k => k is not ("sqlite" or "redis")) is { } unknown)
            {
                throw new ArgumentException($"--store must be sqlite or redis; got '{unknown}'");
            }

            if (address is not null && parse.GetResult(Stores) is { Implicit: false })
            {
                throw new ArgumentException(
                    "--store applies to --spawn only: a --target gateway uses the store it was started with"
                );
            }

            var (promote, record) = (parse.GetValue(Promote), parse.GetValue(Record));
            var performance = Performance(parse, settings);
            if (performance is not null && (spawnPath is null || stores.Length != 1 || promote is not null || record))
            {
                throw new ArgumentException(
                    "--cost-model, --rate and --rate-shares need --spawn <bundle> and one --store (the processes' "
                        + "CPU is read from /proc), without --promote or --record"
                );
            }

            if (promote is not null && (spawnPath is null || stores.Length != 1))
            {
                throw new ArgumentException(
                    "--promote needs --spawn <bundle root> holding that version under versions/, and one --store"
                );
            }

            return new LoadArguments(
                address,
                bundlePath,
                spawnPath,
                settings,
                stores,
                promote,
                record,
                parse.GetValue(Json),
                performance
            );
        }

        private PerformanceRun? Performance(ParseResult parse, LoadSettings settings)
        {
            var (costModel, fixedRates, rateShares) = (
                parse.GetValue(CostModel),
                parse.GetValue(Rates) ?? [],
                parse.GetValue(Shares) ?? []
            );
            return costModel || fixedRates.Length > 0 || rateShares.Length > 0
                ? new PerformanceRun(costModel, fixedRates, rateShares, parse.GetValue(SaturationConcurrency), settings)
                : null;
        }
    }
}
