using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RecServices.Cli.Drill;
using RecServices.Cli.Hosting;
using RecServices.Core.Bundles;

namespace RecServices.Cli.Commands;

/// <summary>
/// <c>recs drill --spawn &lt;bundle&gt; --store sqlite|redis --kill gateway|redis</c>: writes through the gateway,
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
        var spawn = new Option<string>("--spawn")
        {
            Description =
                "Start retrieval, ranking and gateway as processes on loopback over this bundle (and redis-server with --store redis).",
            Required = true,
        };
        var store = new Option<string>("--store")
        {
            Description = "The gateway's user store: sqlite or redis (append-only file, fsync always).",
            DefaultValueFactory = _ => "sqlite",
        };
        var kill = new Option<string>("--kill")
        {
            Description =
                "What to kill with SIGKILL midway: gateway, or redis (with --store redis), while writing; retrieval or ranking, while asking for recommendations.",
            DefaultValueFactory = _ => KillDrill.KillGateway,
        };
        var writers = new Option<int>("--writers")
        {
            Description =
                "Concurrent callers: of RecordInteraction (--kill gateway|redis), of Recommend (--kill retrieval|ranking).",
            DefaultValueFactory = _ => 16,
        };
        var outage = new Option<double>("--outage")
        {
            Description = "With --kill retrieval|ranking: seconds the backend stays down before it is started again.",
            DefaultValueFactory = _ => 10,
        };
        var backoff = new Option<int>("--max-reconnect-backoff-ms")
        {
            Description =
                "With --kill retrieval|ranking: the gateway's Recs:MaxReconnectBackoffMs for the run (120000 is about gRPC's own default).",
            DefaultValueFactory = _ => 1_000,
        };
        var before = new Option<double>("--before")
        {
            Description = "Seconds of writes before the kill.",
            DefaultValueFactory = _ => 5,
        };
        var after = new Option<double>("--after")
        {
            Description = "Seconds of writes after the killed process serves again.",
            DefaultValueFactory = _ => 5,
        };
        var json = new Option<string?>("--json") { Description = "Write the result as JSON to this file." };
        var pause = new Option<bool>("--pause")
        {
            Description =
                "With --kill retrieval|ranking: SIGSTOP for the outage, then SIGCONT (a hang: connections open, nothing answers), instead of SIGKILL and a restart.",
        };
        var storm = new Option<bool>("--storm")
        {
            Description =
                "A deadline storm instead of a kill: --writers callers with 1-5 ms deadlines beside 4 normal callers (5 s) on one connection, for --duration seconds.",
        };
        var overload = new Option<bool>("--overload")
        {
            Description =
                "Overload instead of a kill: the saturation throughput at concurrency 64 (the gateway's default admission limit), then --factor times that rate offered open loop for --duration seconds.",
        };
        var corrupt = new Option<bool>("--corrupt-bundle")
        {
            Description =
                "A corrupted version made current instead of a kill: --writers callers ask for recommendations; after --before seconds a copy of the served version with a flipped byte becomes current (on a copy of the root); --after seconds more.",
        };
        var soak = new Option<bool>("--soak")
        {
            Description =
                "A soak instead of a kill: --share of the saturation throughput offered open loop for --duration seconds (600) in one-minute windows, the services at their default log levels.",
        };
        var share = new Option<double>("--share")
        {
            Description = "With --soak: the offered rate over the saturation throughput.",
            DefaultValueFactory = _ => 0.7,
        };
        var factor = new Option<double>("--factor")
        {
            Description = "With --overload: the offered rate over the saturation throughput.",
            DefaultValueFactory = _ => 2,
        };
        var duration = new Option<double?>("--duration")
        {
            Description = "With --storm, --overload or --soak: seconds of the measured phase (20; --soak: 600).",
        };
        var maxCalls = new Option<int?>("--max-concurrent-calls")
        {
            Description =
                "The gateway's Recs:MaxConcurrentCalls for the run (0: no load shedding); its default when left out.",
        };
        var command = new Command(
            "drill",
            "Durability drill: writes through the gateway, kill -9 of the gateway or redis-server midway, then counts acknowledged writes lost (exit 1 when any is)."
        )
        {
            spawn,
            store,
            kill,
            writers,
            before,
            after,
            outage,
            backoff,
            json,
            pause,
            corrupt,
            storm,
            overload,
            soak,
            share,
            factor,
            duration,
            maxCalls,
        };
        command.SetAction(
            (parse, cancellationToken) =>
                CommandErrors.RunAsync(
                    error,
                    async () =>
                    {
                        var (storeKind, target) = (parse.GetValue(store)!, parse.GetValue(kill)!);
                        if (storeKind is not ("sqlite" or "redis"))
                        {
                            throw new ArgumentException($"--store must be sqlite or redis; got '{storeKind}'");
                        }

                        if (
                            target
                            is not (
                                KillDrill.KillGateway
                                or KillDrill.KillRedis
                                or RecoveryDrill.KillRetrieval
                                or RecoveryDrill.KillRanking
                            )
                        )
                        {
                            throw new ArgumentException(
                                $"--kill must be gateway, redis, retrieval or ranking; got '{target}'"
                            );
                        }

                        var (count, first, second) = (
                            parse.GetValue(writers),
                            parse.GetValue(before),
                            parse.GetValue(after)
                        );
                        if (count is < 1 or > 1024 || first is <= 0 or > 3600 || second is <= 0 or > 3600)
                        {
                            throw new ArgumentException(
                                "--writers must be 1 to 1024, --before and --after more than 0 and at most 3600 seconds"
                            );
                        }

                        var root = parse.GetValue(spawn)!;
                        var bundle = Bundle.LoadServed(root, BundleParts.Users);
                        var loadDrills = new[]
                        {
                            parse.GetValue(storm),
                            parse.GetValue(overload),
                            parse.GetValue(soak),
                            parse.GetValue(corrupt),
                        }.Count(d => d);
                        if (loadDrills > 1)
                        {
                            throw new ArgumentException(
                                "--storm, --overload, --soak and --corrupt-bundle are four drills: run one at a time"
                            );
                        }

                        if (parse.GetValue(corrupt))
                        {
                            return await CorruptAsync(
                                bundle,
                                storeKind,
                                count,
                                first,
                                second,
                                parse.GetValue(json),
                                output,
                                cancellationToken
                            );
                        }

                        if (parse.GetValue(soak))
                        {
                            return await SoakAsync(
                                root,
                                bundle,
                                storeKind,
                                parse.GetValue(share),
                                parse.GetValue(duration) ?? 600,
                                parse.GetValue(json),
                                output,
                                cancellationToken
                            );
                        }

                        if (loadDrills == 1)
                        {
                            return await LoadDrillAsync(
                                root,
                                bundle,
                                storeKind,
                                parse.GetValue(storm),
                                count,
                                parse.GetValue(factor),
                                parse.GetValue(duration) ?? 20,
                                parse.GetValue(maxCalls),
                                parse.GetValue(json),
                                output,
                                cancellationToken
                            );
                        }

                        if (target is RecoveryDrill.KillRetrieval or RecoveryDrill.KillRanking)
                        {
                            return await RecoveryAsync(
                                root,
                                bundle,
                                storeKind,
                                target,
                                parse.GetValue(pause),
                                count,
                                first,
                                second,
                                parse.GetValue(outage),
                                parse.GetValue(backoff),
                                parse.GetValue(json),
                                output,
                                cancellationToken
                            );
                        }

                        output.WriteLine(
                            $"starting retrieval, ranking and gateway ({storeKind} user store) over {bundle.Directory}"
                        );
                        await using var services = await LocalServices.StartAsync(
                            root,
                            userStore: storeKind,
                            cancellationToken: cancellationToken
                        );
                        var drill = new KillDrill(
                            services,
                            bundle.Users!.Select(u => u.Id).ToList(),
                            bundle.Catalog.Items.Select(i => i.Id).ToList()
                        );
                        var report = await drill.RunAsync(
                            target,
                            count,
                            TimeSpan.FromSeconds(first),
                            TimeSpan.FromSeconds(second),
                            output,
                            cancellationToken
                        );
                        output.WriteLine(
                            string.Create(
                                CultureInfo.InvariantCulture,
                                $"{report.Store} store, kill -9 {report.Killed}, {report.Writers} writers, {report.Seconds} s: {report.Acknowledged} acknowledged, {report.Lost} lost, {report.RecordedTwice} recorded twice, {report.RecordedUnacknowledged} recorded without an answer (in flight at the kill), {report.FailedAttempts} failed attempts retried, {report.OutageSeconds} s from the kill to the next acknowledged write"
                            )
                        );
                        if (parse.GetValue(json) is { } file)
                        {
                            File.WriteAllText(file, JsonSerializer.Serialize(report, JsonOptions));
                        }

                        return report.Lost == 0 && report.RecordedTwice == 0 ? 0 : 1;
                    }
                )
        );
        return command;
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
                "--duration must be more than 0 and at most 3600 seconds, --factor 1 to 10, --max-concurrent-calls 0 to 100000"
            );
        }

        string[] settings = maxCalls is { } limit
            ? [string.Create(CultureInfo.InvariantCulture, $"--Recs:MaxConcurrentCalls={limit}")]
            : [];
        output.WriteLine(
            $"starting retrieval, ranking and gateway ({storeKind} user store{(maxCalls is { } m ? $", Recs:MaxConcurrentCalls={m}" : string.Empty)}) over {bundle.Directory}"
        );
        await using var services = await LocalServices.StartAsync(
            root,
            gatewaySettings: settings,
            userStore: storeKind,
            cancellationToken: cancellationToken
        );
        var users = bundle.Users!.Select(u => u.Id).ToList();
        object report;
        int code;
        if (storm)
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
                    $"deadline storm, {result.StormCallers} callers with 1-5 ms deadlines beside {result.NormalCallers} normal callers on one connection, {result.Seconds} s: normal calls {result.NormalOk} ok, {result.NormalFailed} failed ({result.NormalFailedPercent} %{(result.NormalFailures.Length > 0 ? ": " + result.NormalFailures : string.Empty)}); storm calls {result.StormOk} ok, {result.StormDeadlineExceeded} past their deadline, {result.StormOther} other; connections the gateway closed in error: {(result.ClosedConnections.Length > 0 ? result.ClosedConnections : "none")}"
                )
            );
            (report, code) = (result, result.NormalFailedPercent <= 1 ? 0 : 1);
        }
        else
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
                    $"overload, {result.OfferedRps}/s offered ({result.Factor} x saturation {result.SaturationRps}/s): goodput {result.GoodputRps}/s = {result.GoodputShare:P1} of saturation; {result.Shed} shed, {result.DeadlineExceeded} past the {result.DeadlineMs} ms deadline, {result.OtherFailed} other failures; accepted calls p50 {result.AcceptedP50Ms} ms, p99 {result.AcceptedP99Ms} ms"
                )
            );
            (report, code) = (result, result.GoodputShare >= 0.8 && result.AcceptedP99Ms < result.DeadlineMs ? 0 : 1);
        }

        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(report, report.GetType(), JsonOptions));
        }

        return code;
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
                    $"corrupted version made current, {report.Callers} callers: {report.Calls} answers, {report.Failed} failed calls, {report.Degraded} degraded; refused by {report.RefusedBy.Count(r => r)} of 3 services within {report.SecondsToAllRefused} s; items answered from the version served before {report.ItemsFromServed}, from any other {report.ItemsFromOtherVersions}"
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
            $"starting retrieval, ranking and gateway ({storeKind} user store, default log levels) over {bundle.Directory}"
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
                $"soak, {report.OfferedRps}/s ({report.Share:P0} of saturation {report.SaturationRps}/s) for {report.Seconds} s: {report.Calls} calls, {report.Failed} failed; p99 {report.Windows[0].P99Ms} ms in the first window, {report.Windows[^1].P99Ms} ms in the last (x {report.P99Drift})"
            )
        );
        foreach (var process in report.Processes)
        {
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {process.Process}: resident {process.ResidentFirstMb} MB on average over the first window, {process.ResidentLastMb} MB over the last ({process.ResidentGrowthPercent:+0.0;-0.0} %); {process.LogBytesPerCall} log bytes per call"
                )
            );
        }

        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(report, JsonOptions));
        }

        return report.P99Drift <= 1.2 && report.Processes.All(p => p.ResidentGrowthPercent <= 5) ? 0 : 1;
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
            $"starting retrieval, ranking and gateway ({storeKind} user store, reconnect backoff at most {backoff} ms) over {bundle.Directory}"
        );
        await using var services = await LocalServices.StartAsync(
            root,
            gatewaySettings: [string.Create(CultureInfo.InvariantCulture, $"--Recs:MaxReconnectBackoffMs={backoff}")],
            userStore: storeKind,
            cancellationToken: cancellationToken
        );
        var drill = new RecoveryDrill(services, bundle.Users!.Select(u => u.Id).ToList(), backoff);
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
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"kill -{(pause ? "STOP" : "9")} {report.Killed}, down {report.OutageSeconds} s, {report.Callers} callers, reconnect backoff ≤ {report.MaxReconnectBackoffMs} ms: {report.Calls} answers, {report.Failed} failed calls, {report.Degraded} degraded answers ({report.DegradedAfterServing} to calls started after it was SERVING again), {(report.RecoverySeconds is { } s ? $"full answers {s} s after it was SERVING again" : "no full answer after it was SERVING again")}"
            )
        );
        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(report, JsonOptions));
        }

        return report.Failed == 0 && report.RecoverySeconds is not null ? 0 : 1;
    }
}
