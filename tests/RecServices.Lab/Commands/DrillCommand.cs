using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RecServices.Cli.Commands;
using RecServices.Core.Bundles;
using RecServices.Lab.Drill;
using RecServices.LocalSystem;

namespace RecServices.Lab.Commands;

/// <summary>
/// <c>recs-lab drill --spawn &lt;bundle&gt; --store sqlite|redis --kill gateway|redis</c>: writes through the gateway,
/// kills the gateway (or redis-server) with SIGKILL midway, starts it again, and counts acknowledged writes lost.
/// <c>--kill retrieval|ranking</c>: recommendations through a backend's crash, outage and return
/// (<see cref="RecoveryDrill"/>). <c>--storm</c>: a deadline storm beside normal callers on one connection
/// (<see cref="StormDrill"/>); <c>--overload</c>: goodput when twice the saturation rate is offered
/// (<see cref="OverloadDrill"/>).
/// </summary>
public static class DrillCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var options = new DrillOptions();
        return CommandDefinition.Of(
            "drill",
            "Durability drill: writes through the gateway, kill -9 of the gateway or redis-server "
                + "midway, then counts acknowledged writes lost (exit 1 when any is).",
            options.All,
            error,
            (parse, cancellationToken) => ExecuteAsync(options.Read(parse), output, cancellationToken)
        );
    }

    /// <summary>The drill asked for: one of the load drills, a backend's recovery, or the kill of a writer's
    /// path.</summary>
    private static async Task<int> ExecuteAsync(
        DrillArguments run,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var bundle = Bundle.LoadServed(run.Root, BundleParts.Users);
        if (run.Corrupt)
        {
            return await CorruptAsync(
                bundle,
                run.Store,
                run.Writers,
                run.Before,
                run.After,
                run.Json,
                output,
                cancellationToken
            );
        }

        if (run.Soak)
        {
            return await SoakAsync(
                run.Root,
                bundle,
                run.Store,
                run.Share,
                run.Duration ?? 600,
                run.Json,
                output,
                cancellationToken
            );
        }

        if (run.Flood)
        {
            return await FloodAsync(run, bundle, output, cancellationToken);
        }

        if (run.Storm || run.Overload)
        {
            return await LoadDrillAsync(
                run.Root,
                bundle,
                run.Store,
                run.Storm,
                run.Writers,
                run.Factor,
                run.Duration ?? 20,
                run.MaxCalls,
                run.Json,
                output,
                cancellationToken
            );
        }

        if (
            run.Kill is RecoveryDrill.KillRetrieval or RecoveryDrill.KillRanking
            || run is { Kill: KillDrill.KillRedis, Pause: true }
        )
        {
            return await RecoveryAsync(
                run.Root,
                bundle,
                run.Store,
                run.Kill,
                run.Pause,
                run.Writers,
                run.Before,
                run.After,
                run.Outage,
                run.Backoff,
                run.Json,
                output,
                cancellationToken
            );
        }

        return await KillAsync(run, bundle, output, cancellationToken);
    }

    /// <summary>
    /// Writes through the gateway, kill -9 of the gateway or redis-server midway, a restart; exit 1 when an
    /// acknowledged write was lost or one was recorded twice.
    /// </summary>
    private static async Task<int> KillAsync(
        DrillArguments run,
        Bundle bundle,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        output.WriteLine($"starting retrieval, ranking and gateway ({run.Store} user store) over {bundle.Directory}");
        await using var services = await LocalServices.StartAsync(
            run.Root,
            userStore: run.Store,
            cancellationToken: cancellationToken
        );
        var drill = new KillDrill(
            services,
            bundle.Users!.Select(u => u.Id).ToList(),
            bundle.Catalog.Items.Select(i => i.Id).ToList()
        );
        var report = await drill.RunAsync(
            run.Kill,
            run.Writers,
            TimeSpan.FromSeconds(run.Before),
            TimeSpan.FromSeconds(run.After),
            output,
            cancellationToken
        );
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{report.Store} store, kill -9 {report.Killed}, {report.Writers} "
                    + $"writers, {report.Seconds} s: {report.Acknowledged} acknowledged, "
                    + $"{report.Lost} lost, {report.RecordedTwice} recorded twice, "
                    + $"{report.RecordedUnacknowledged} recorded without an answer (in flight "
                    + $"at the kill), {report.FailedAttempts} failed attempts retried, "
                    + $"{report.OutageSeconds} s from the kill to the next acknowledged write"
            )
        );
        if (run.Json is { } file)
        {
            File.WriteAllText(file, JsonSerializer.Serialize(report, JsonOptions));
        }

        return report.Lost == 0 && report.RecordedTwice == 0 ? 0 : 1;
    }

    /// <summary>
    /// The deadline storm (exit 1 when more than 1 % of the normal callers' calls failed) or the overload drill (exit 1
    /// when goodput fell under 80 % of the saturation throughput or the accepted calls' p99 reached the deadline).
    /// </summary>
    private static async Task<int> LoadDrillAsync(
        string root,
        Bundle bundle,
        string storeKind,
        bool storm,
        int callers,
        double factor,
        double duration,
        int? maxCalls,
        string? json,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        if (duration is <= 0 or > 3600 || factor is < 1 or > 10 || maxCalls is < 0 or > 100_000)
        {
            throw new ArgumentException(
                "--duration must be more than 0 and at most 3600 seconds, --factor 1 to 10, "
                    + "--max-concurrent-calls 0 to 100000"
            );
        }

        string[] settings = maxCalls is { } limit
            ? [string.Create(CultureInfo.InvariantCulture, $"--Recs:MaxConcurrentCalls={limit}")]
            : [];
        output.WriteLine(
            $"starting retrieval, ranking and gateway ({storeKind} user "
                + $"store{(maxCalls is { } m ? $", Recs:MaxConcurrentCalls={m}" : string.Empty)}) over "
                + $"{bundle.Directory}"
        );
        await using var services = await LocalServices.StartAsync(
            root,
            gatewaySettings: settings,
            userStore: storeKind,
            cancellationToken: cancellationToken
        );
        var users = bundle.Users!.Select(u => u.Id).ToList();
        var (report, code) = storm
            ? await StormAsync(services, users, callers, duration, output, cancellationToken)
            : await OverloadAsync(services, users, factor, duration, maxCalls, output, cancellationToken);
        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(report, report.GetType(), JsonOptions));
        }

        return code;
    }

    /// <summary>The deadline storm: exit code 1 when more than 1 % of the normal callers' calls failed.</summary>
    private static async Task<(object Report, int Code)> StormAsync(
        LocalServices services,
        List<string> users,
        int callers,
        double duration,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var result = await new StormDrill(services.GatewayAddress, services.GatewayMetricsAddress, users).RunAsync(
            callers,
            4,
            TimeSpan.FromSeconds(duration),
            cancellationToken
        );
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"deadline storm, {result.StormCallers} callers with 1-5 ms deadlines beside "
                    + $"{result.NormalCallers} normal callers on one connection, {result.Seconds} s: normal "
                    + $"calls {result.NormalOk} ok, {result.NormalFailed} failed "
                    + $"({result.NormalFailedPercent} "
                    + $"%{(result.NormalFailures.Length > 0 ? ": " + result.NormalFailures : string.Empty)}); "
                    + $"storm calls {result.StormOk} ok, {result.StormDeadlineExceeded} past their "
                    + $"deadline, {result.StormOther} other; connections the gateway closed in error: "
                    + $"{(result.ClosedConnections.Length > 0 ? result.ClosedConnections : "none")}"
            )
        );
        return (result, result.NormalFailedPercent <= 1 ? 0 : 1);
    }

    /// <summary>
    /// The overload drill: exit code 1 when goodput fell under 80 % of the saturation throughput or the accepted calls'
    /// p99 reached the deadline.
    /// </summary>
    private static async Task<(object Report, int Code)> OverloadAsync(
        LocalServices services,
        List<string> users,
        double factor,
        double duration,
        int? maxCalls,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var result = await new OverloadDrill(services.GatewayAddress, users).RunAsync(
            64,
            factor,
            TimeSpan.FromSeconds(duration),
            TimeSpan.FromSeconds(1),
            maxCalls ?? 64,
            output,
            cancellationToken
        );
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"overload, {result.OfferedRps}/s offered ({result.Factor} x saturation "
                    + $"{result.SaturationRps}/s): goodput {result.GoodputRps}/s = {result.GoodputShare:P1} "
                    + $"of saturation; {result.Shed} shed, {result.DeadlineExceeded} past the "
                    + $"{result.DeadlineMs} ms deadline, {result.OtherFailed} other failures; accepted "
                    + $"calls p50 {result.AcceptedP50Ms} ms, p99 {result.AcceptedP99Ms} ms"
            )
        );
        return (result, result.GoodputShare >= 0.8 && result.AcceptedP99Ms < result.DeadlineMs ? 0 : 1);
    }

    /// <summary>
    /// The corrupted-bundle drill, on a copy of the served version: exit 1 when a call failed, an answer came from
    /// the corrupted version or a service did not refuse it.
    /// </summary>
    private static async Task<int> CorruptAsync(
        Bundle bundle,
        string storeKind,
        int callers,
        double before,
        double after,
        string? json,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var temporary = Directory.CreateTempSubdirectory("recs-drill-root-").FullName;
        try
        {
            var root = new BundleRoot(temporary);
            var version = bundle.Manifest.Version;
            Directory.CreateDirectory(root.VersionPath(version));
            foreach (var file in Directory.GetFiles(bundle.Directory))
            {
                File.Copy(file, Path.Combine(root.VersionPath(version), Path.GetFileName(file)));
            }

            root.SetCurrent(version);
            output.WriteLine(
                $"starting retrieval, ranking and gateway ({storeKind} user store) over a copy of {bundle.Directory}"
            );
            await using var services = await LocalServices.StartAsync(
                temporary,
                userStore: storeKind,
                cancellationToken: cancellationToken
            );
            var report = await new CorruptBundleDrill(
                services,
                root,
                bundle.Users!.Select(u => u.Id).ToList()
            ).RunAsync(callers, TimeSpan.FromSeconds(before), TimeSpan.FromSeconds(after), output, cancellationToken);
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"corrupted version made current, {report.Callers} callers: {report.Calls} answers, "
                        + $"{report.Failed} failed calls, {report.Degraded} degraded; refused by "
                        + $"{report.RefusedBy.Count(r => r)} of 3 services within {report.SecondsToAllRefused} "
                        + $"s; items answered from the version served before {report.ItemsFromServed}, from any "
                        + $"other {report.ItemsFromOtherVersions}"
                )
            );
            if (json is not null)
            {
                File.WriteAllText(json, JsonSerializer.Serialize(report, JsonOptions));
            }

            return report.Failed == 0 && report.ItemsFromOtherVersions == 0 && report.RefusedBy.All(r => r) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(temporary, recursive: true);
        }
    }

    /// <summary>
    /// The soak: exit 1 when p99 drifted past 1.2 × its first window's, or a process's resident memory grew over 5
    /// %.
    /// </summary>
    private static async Task<int> SoakAsync(
        string root,
        Bundle bundle,
        string storeKind,
        double share,
        double duration,
        string? json,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        if (share is <= 0 or > 1 || duration is < 2 or > 24 * 3600)
        {
            throw new ArgumentException("--share must be more than 0 and at most 1, --duration 2 to 86400 seconds");
        }

        output.WriteLine(
            $"starting retrieval, ranking and gateway ({storeKind} user store, default log levels) over "
                + $"{bundle.Directory}"
        );
        await using var services = await LocalServices.StartAsync(
            root,
            userStore: storeKind,
            defaultLogLevels: true,
            cancellationToken: cancellationToken
        );
        var window = TimeSpan.FromSeconds(Math.Min(60, duration / 2));
        var report = await new SoakDrill(services, bundle.Users!.Select(u => u.Id).ToList()).RunAsync(
            share,
            TimeSpan.FromSeconds(duration),
            window,
            output,
            cancellationToken
        );
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"soak, {report.OfferedRps}/s ({report.Share:P0} of saturation {report.SaturationRps}/s) "
                    + $"for {report.Seconds} s: {report.Calls} calls, {report.Failed} failed; p99 "
                    + $"{report.Windows[0].P99Ms} ms in the first window, {report.Windows[^1].P99Ms} ms in the "
                    + $"last (x {report.P99Drift})"
            )
        );
        foreach (var process in report.Processes)
        {
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {process.Process}: resident {process.ResidentFirstMb} MB on average over the "
                        + $"first window, {process.ResidentLastMb} MB over the last "
                        + $"({process.ResidentGrowthPercent:+0.0;-0.0} %); {process.LogBytesPerCall} log bytes "
                        + $"per call"
                )
            );
        }

        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(report, JsonOptions));
        }

        return report.P99Drift <= 1.2 && report.Processes.All(p => p.ResidentGrowthPercent <= 5) ? 0 : 1;
    }

    /// <summary>
    /// The write flood (Redis store): through the gateway with its write limit as deployed, then on the store; exit 1
    /// when a flooding caller got an answer other than OK or RESOURCE_EXHAUSTED.
    /// </summary>
    private static async Task<int> FloodAsync(
        DrillArguments run,
        Bundle bundle,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var duration = run.Duration ?? 20;
        if (duration is <= 0 or > 3600 || run.StoreWrites is < 0 or > 100_000_000)
        {
            throw new ArgumentException(
                "--duration must be more than 0 and at most 3600 seconds, --store-writes 0 to 100000000"
            );
        }

        output.WriteLine($"starting retrieval, ranking and gateway (redis user store, write limit as deployed)");
        await using var services = await LocalServices.StartAsync(
            run.Root,
            // the gateway's own default limit, which the local system otherwise turns off
            gatewaySettings:
            [
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"--Recs:WritesPerSecondPerCaller={new Gateway.GatewayOptions().WritesPerSecondPerCaller}"
                ),
            ],
            userStore: "redis",
            cancellationToken: cancellationToken
        );
        var drill = new FloodDrill(services, bundle.Users![0].Id, bundle.Catalog.Items[0].Id);
        var report = await drill.RunAsync(
            run.Writers,
            TimeSpan.FromSeconds(duration),
            run.StoreWrites,
            output,
            cancellationToken
        );
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"flood of {report.Callers} callers from one address for {report.Seconds} s: "
                    + $"{Statuses(report.WritesByStatus)}; pushback {report.PushbackMinMs?.ToString(CultureInfo.InvariantCulture) ?? "-"}"
                    + $"-{report.PushbackMaxMs?.ToString(CultureInfo.InvariantCulture) ?? "-"} ms; first refusal: "
                    + $"{report.Refusal ?? "none"}"
            )
        );
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"store: {report.StoreWrites} writes of one user with fresh event ids in {report.StoreSeconds} s: "
                    + $"used_memory {report.UsedMemoryBefore} -> {report.UsedMemoryAfter} bytes, "
                    + $"{report.MiBPerMillionWrites} MiB per million writes"
            )
        );
        if (run.Json is { } file)
        {
            File.WriteAllText(file, JsonSerializer.Serialize(report, JsonOptions));
        }

        return report.WritesByStatus.Keys.All(k => k is "OK" or "ResourceExhausted") ? 0 : 1;
    }

    /// <summary>The recovery drill: exit 1 when a call failed or full answers never came back.</summary>
    private static async Task<int> RecoveryAsync(
        string root,
        Bundle bundle,
        string storeKind,
        string target,
        bool pause,
        int callers,
        double before,
        double after,
        double outage,
        int backoff,
        string? json,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        if (outage is <= 0 or > 3600 || backoff is < 100 or > 120_000)
        {
            throw new ArgumentException(
                "--outage must be more than 0 and at most 3600 seconds, --max-reconnect-backoff-ms 100 to 120000"
            );
        }

        output.WriteLine(
            $"starting retrieval, ranking and gateway ({storeKind} user store, reconnect backoff at most "
                + $"{backoff} ms) over {bundle.Directory}"
        );
        await using var services = await LocalServices.StartAsync(
            root,
            gatewaySettings: [string.Create(CultureInfo.InvariantCulture, $"--Recs:MaxReconnectBackoffMs={backoff}")],
            userStore: storeKind,
            cancellationToken: cancellationToken
        );
        var drill = new RecoveryDrill(
            services,
            bundle.Users!.Select(u => u.Id).ToList(),
            bundle.Catalog.Items[0].Id,
            backoff
        );
        var report = await drill.RunAsync(
            target,
            pause,
            callers,
            TimeSpan.FromSeconds(before),
            TimeSpan.FromSeconds(outage),
            TimeSpan.FromSeconds(after),
            output,
            cancellationToken
        );
        var recovery = report.RecoverySeconds is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"full answers {s} s after it was SERVING again")
            : "no full answer after it was SERVING again";
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"kill -{(pause ? "STOP" : "9")} {report.Killed}, down {report.OutageSeconds} s, "
                    + $"{report.Callers} callers, reconnect backoff ≤ {report.MaxReconnectBackoffMs} ms: "
                    + $"{report.Calls} answers, {report.Failed} failed calls, {report.Degraded} degraded "
                    + $"answers ({report.DegradedAfterServing} to calls started after it was SERVING again), "
                    + $"{recovery}; failed calls by status: {Statuses(report.FailedByStatus)}; writes by "
                    + $"status: {Statuses(report.WritesByStatus)}; gateway log {report.GatewayLogBytes} bytes "
                    + $"from the kill to the end"
            )
        );
        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(report, JsonOptions));
        }

        return report.Failed == 0 && report.RecoverySeconds is not null ? 0 : 1;
    }

    private static string Statuses(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));

    /// <summary>What one <c>recs-lab drill</c> run was asked for, checked.</summary>
    private sealed record DrillArguments(
        string Root,
        string Store,
        string Kill,
        int Writers,
        double Before,
        double After,
        double Outage,
        int Backoff,
        string? Json,
        bool Pause,
        bool Corrupt,
        bool Storm,
        bool Overload,
        bool Soak,
        double Share,
        double Factor,
        double? Duration,
        int? MaxCalls,
        bool Flood,
        int StoreWrites
    );

    /// <summary><c>recs-lab drill</c>'s options, and the checks between them.</summary>
    private sealed class DrillOptions
    {
        public Option<string> Spawn { get; } =
            new("--spawn")
            {
                Description =
                    "Start retrieval, ranking and gateway as processes on loopback over this bundle (and "
                    + "redis-server with --store redis).",
                Required = true,
            };
        public Option<string> Store { get; } =
            new("--store")
            {
                Description = "The gateway's user store: sqlite or redis (append-only file, fsync always).",
                DefaultValueFactory = _ => "sqlite",
            };
        public Option<string> Kill { get; } =
            new("--kill")
            {
                Description =
                    "What to kill with SIGKILL midway: gateway, or redis (with --store redis), while "
                    + "writing; retrieval or ranking, while asking for recommendations.",
                DefaultValueFactory = _ => KillDrill.KillGateway,
            };
        public Option<int> Writers { get; } =
            new("--writers")
            {
                Description =
                    "Concurrent callers: of RecordInteraction (--kill gateway|redis), of Recommend (--kill "
                    + "retrieval|ranking).",
                DefaultValueFactory = _ => 16,
            };
        public Option<double> Outage { get; } =
            new("--outage")
            {
                Description =
                    "With --kill retrieval|ranking: seconds the backend stays down before it is started again.",
                DefaultValueFactory = _ => 10,
            };
        public Option<int> Backoff { get; } =
            new("--max-reconnect-backoff-ms")
            {
                Description =
                    "With --kill retrieval|ranking: the gateway's Recs:MaxReconnectBackoffMs for the run "
                    + "(120000 is about gRPC's own default).",
                DefaultValueFactory = _ => 1_000,
            };
        public Option<double> Before { get; } =
            new("--before") { Description = "Seconds of writes before the kill.", DefaultValueFactory = _ => 5 };
        public Option<double> After { get; } =
            new("--after")
            {
                Description = "Seconds of writes after the killed process serves again.",
                DefaultValueFactory = _ => 5,
            };
        public Option<string?> Json { get; } = new("--json") { Description = "Write the result as JSON to this file." };
        public Option<bool> Pause { get; } =
            new("--pause")
            {
                Description =
                    "With --kill retrieval|ranking|redis: SIGSTOP for the outage, then SIGCONT (a hang: "
                    + "connections open, nothing answers), instead of SIGKILL and a restart; with redis, "
                    + "Recommend and RecordInteraction callers through the store's hang.",
            };
        public Option<bool> Storm { get; } =
            new("--storm")
            {
                Description =
                    "A deadline storm instead of a kill: --writers callers with 1-5 ms deadlines beside 4 "
                    + "normal callers (5 s) on one connection, for --duration seconds.",
            };
        public Option<bool> Overload { get; } =
            new("--overload")
            {
                Description =
                    "Overload instead of a kill: the saturation throughput at concurrency 64 (the gateway's "
                    + "default admission limit), then --factor times that rate offered open loop for "
                    + "--duration seconds.",
            };
        public Option<bool> Corrupt { get; } =
            new("--corrupt-bundle")
            {
                Description =
                    "A corrupted version made current instead of a kill: --writers callers ask for "
                    + "recommendations; after --before seconds a copy of the served version with a flipped "
                    + "byte becomes current (on a copy of the root); --after seconds more.",
            };
        public Option<bool> Soak { get; } =
            new("--soak")
            {
                Description =
                    "A soak instead of a kill: --share of the saturation throughput offered open loop for "
                    + "--duration seconds (600) in one-minute windows, the services at their default log "
                    + "levels.",
            };
        public Option<double> Share { get; } =
            new("--share")
            {
                Description = "With --soak: the offered rate over the saturation throughput.",
                DefaultValueFactory = _ => 0.7,
            };
        public Option<double> Factor { get; } =
            new("--factor")
            {
                Description = "With --overload: the offered rate over the saturation throughput.",
                DefaultValueFactory = _ => 2,
            };
        public Option<double?> Duration { get; } =
            new("--duration")
            {
                Description = "With --storm, --overload or --soak: seconds of the measured phase (20; --soak: 600).",
            };
        public Option<bool> Flood { get; } =
            new("--flood")
            {
                Description =
                    "A write flood instead of a kill (--store redis): --writers callers from one address loop "
                    + "RecordInteraction with fresh event ids for --duration seconds through the gateway (its write "
                    + "limit as deployed), then --store-writes writes of one user on the store: statuses, the wait "
                    + "asked for, Redis memory per million writes.",
            };
        public Option<int> StoreWrites { get; } =
            new("--store-writes")
            {
                Description = "With --flood: writes of one user made on the store directly.",
                DefaultValueFactory = _ => 1_000_000,
            };
        public Option<int?> MaxCalls { get; } =
            new("--max-concurrent-calls")
            {
                Description =
                    "The gateway's Recs:MaxConcurrentCalls for the run (0: no load shedding); its "
                    + "default when left out.",
            };

        public Option[] All =>
            [
                Spawn,
                Store,
                Kill,
                Writers,
                Before,
                After,
                Outage,
                Backoff,
                Json,
                Pause,
                Corrupt,
                Storm,
                Overload,
                Soak,
                Share,
                Factor,
                Duration,
                MaxCalls,
                Flood,
                StoreWrites,
            ];

        /// <summary>The drill the options ask for; ArgumentException naming the options that do not fit.</summary>
        public DrillArguments Read(ParseResult parse)
        {
            var (store, kill) = (parse.GetValue(Store)!, parse.GetValue(Kill)!);
            if (store is not ("sqlite" or "redis"))
            {
                throw new ArgumentException($"--store must be sqlite or redis; got '{store}'");
            }

            if (
                kill
                is not (
                    KillDrill.KillGateway
                    or KillDrill.KillRedis
                    or RecoveryDrill.KillRetrieval
                    or RecoveryDrill.KillRanking
                )
            )
            {
                throw new ArgumentException($"--kill must be gateway, redis, retrieval or ranking; got '{kill}'");
            }

            var (writers, before, after) = (parse.GetValue(Writers), parse.GetValue(Before), parse.GetValue(After));
            if (writers is < 1 or > 1024 || before is <= 0 or > 3600 || after is <= 0 or > 3600)
            {
                throw new ArgumentException(
                    "--writers must be 1 to 1024, --before and --after more than 0 and at most 3600 seconds"
                );
            }

            var run = new DrillArguments(
                parse.GetValue(Spawn)!,
                store,
                kill,
                writers,
                before,
                after,
                parse.GetValue(Outage),
                parse.GetValue(Backoff),
                parse.GetValue(Json),
                parse.GetValue(Pause),
                parse.GetValue(Corrupt),
                parse.GetValue(Storm),
                parse.GetValue(Overload),
                parse.GetValue(Soak),
                parse.GetValue(Share),
                parse.GetValue(Factor),
                parse.GetValue(Duration),
                parse.GetValue(MaxCalls),
                parse.GetValue(Flood),
                parse.GetValue(StoreWrites)
            );
            if (new[] { run.Storm, run.Overload, run.Soak, run.Corrupt, run.Flood }.Count(d => d) > 1)
            {
                throw new ArgumentException(
                    "--storm, --overload, --soak, --corrupt-bundle and --flood are five drills: run one at a time"
                );
            }

            if (run is { Flood: true, Store: not "redis" })
            {
                throw new ArgumentException("--flood needs --store redis");
            }

            if (run is { Kill: KillDrill.KillRedis, Pause: true, Store: not "redis" })
            {
                throw new ArgumentException("--kill redis --pause needs --store redis");
            }

            return run;
        }
    }
}
