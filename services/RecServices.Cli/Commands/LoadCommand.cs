using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using RecServices.Cli.Hosting;
using RecServices.Cli.Load;
using RecServices.Core.Bundles;

namespace RecServices.Cli.Commands;

/// <summary>
/// <c>recs load --target &lt;gateway&gt; --bundle &lt;dir&gt; | --spawn &lt;bundle&gt; [--store sqlite|redis …]
/// [--record]</c>: closed-loop load on the gateway's Recommend, optionally on RecordInteraction, and in the same
/// run the floor (grpc.health.v1 Check on the same process at the same concurrency), with the ratios between them.
/// With several --store values the spawned system is measured once per user store, one after the other.
/// </summary>
public static class LoadCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var target = new Option<string?>("--target")
        {
            Description = "The gateway's gRPC address, e.g. http://localhost:5131; needs --bundle for the user ids.",
        };
        var bundleDir = new Option<string?>("--bundle")
        {
            Description = "With --target: the bundle the gateway serves (its users are requested in turn).",
        };
        var spawn = new Option<string?>("--spawn")
        {
            Description =
                "Start retrieval, ranking and gateway as processes on loopback over this bundle, measure, and stop them.",
        };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Calls in flight (closed loop: each worker calls again as soon as its call ends).",
            DefaultValueFactory = _ => 1,
        };
        var duration = new Option<double>("--duration")
        {
            Description = "Seconds measured per side (Recommend, then the floor).",
            DefaultValueFactory = _ => 10,
        };
        var warmup = new Option<double>("--warmup")
        {
            Description =
                "Seconds of unmeasured calls per side first: tiered JIT compilation of the services takes this long to settle under load.",
            DefaultValueFactory = _ => 15,
        };
        var count = new Option<int>("--count") { Description = "Items per Recommend.", DefaultValueFactory = _ => 10 };
        var json = new Option<string?>("--json")
        {
            Description =
                "Write the results as JSON to this file (an object; an array of them, one per store, when several --store are given).",
        };
        var stores = new Option<string[]>("--store")
        {
            Description =
                "With --spawn: the gateway's user store, sqlite or redis (a redis-server started for the run, AOF fsync always); repeat to measure each in turn.",
            DefaultValueFactory = _ => ["sqlite"],
            AllowMultipleArgumentsPerToken = true,
        };
        var promote = new Option<string?>("--promote")
        {
            Description =
                "With --spawn over a bundle root: promote this version halfway through the measured Recommend window, and report the time until answers carry it, each service's load time and resident memory around the swap.",
        };
        var record = new Option<bool>("--record")
        {
            Description =
                "Also measure RecordInteraction (it writes interactions for the bundle's users into the gateway's store: never against a production gateway).",
        };
        var costModel = new Option<bool>("--cost-model")
        {
            Description =
                "With --spawn: the cost model instead: retrieval's GetCandidates and ranking's RankCandidates alone (the gateway's requests for the bundle's users), each beside its process's health Check, then Recommend beside the gateway's Check, at concurrency 1 and --saturation-concurrency, with every process's CPU per call from /proc.",
        };
        var rates = new Option<double[]>("--rate")
        {
            Description =
                "With --spawn: Recommend open loop at these fixed arrival rates (calls/s), latency from each call's scheduled start (HdrHistogram), CPU per call by process.",
            AllowMultipleArgumentsPerToken = true,
        };
        var shares = new Option<double[]>("--rate-shares")
        {
            Description =
                "With --spawn: measure the saturation throughput (closed loop at --saturation-concurrency), then Recommend open loop at these shares of it, e.g. 0.25 0.5 0.75.",
            AllowMultipleArgumentsPerToken = true,
        };
        var saturationConcurrency = new Option<int>("--saturation-concurrency")
        {
            Description = "With --cost-model or --rate-shares: the concurrency that saturates the system.",
            DefaultValueFactory = _ => 32,
        };
        var command = new Command(
            "load",
            "Closed-loop load on the gateway's Recommend (and RecordInteraction) against the gRPC floor (health Check on the same process); or the cost model hop by hop, or latency at fixed rates."
        )
        {
            target,
            bundleDir,
            spawn,
            concurrency,
            duration,
            warmup,
            count,
            json,
            stores,
            record,
            promote,
            costModel,
            rates,
            shares,
            saturationConcurrency,
        };
        command.SetAction(
            (parse, cancellationToken) =>
                CommandErrors.RunAsync(
                    error,
                    async () =>
                    {
                        var (address, bundlePath, spawnPath) = (
                            parse.GetValue(target),
                            parse.GetValue(bundleDir),
                            parse.GetValue(spawn)
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
                            parse.GetValue(concurrency),
                            parse.GetValue(duration),
                            parse.GetValue(warmup),
                            parse.GetValue(count)
                        );
                        settings.Validate();
                        if (IsDebugBuild())
                        {
                            output.WriteLine(
                                "warning: this recs is a Debug build; measure with 'dotnet run -c Release --project services/RecServices.Cli -- load ...'"
                            );
                        }

                        var storeKinds = parse.GetValue(stores)!.Distinct(StringComparer.Ordinal).ToArray();
                        if (storeKinds.FirstOrDefault(k => k is not ("sqlite" or "redis")) is { } unknown)
                        {
                            throw new ArgumentException($"--store must be sqlite or redis; got '{unknown}'");
                        }

                        if (address is not null && parse.GetResult(stores) is { Implicit: false })
                        {
                            throw new ArgumentException(
                                "--store applies to --spawn only: a --target gateway uses the store it was started with"
                            );
                        }

                        var (fixedRates, rateShares) = (parse.GetValue(rates) ?? [], parse.GetValue(shares) ?? []);
                        var performanceMode =
                            parse.GetValue(costModel) || fixedRates.Length > 0 || rateShares.Length > 0;
                        if (
                            performanceMode
                            && (
                                spawnPath is null
                                || storeKinds.Length != 1
                                || parse.GetValue(promote) is not null
                                || parse.GetValue(record)
                            )
                        )
                        {
                            throw new ArgumentException(
                                "--cost-model, --rate and --rate-shares need --spawn <bundle> and one --store (the processes' CPU is read from /proc), without --promote or --record"
                            );
                        }

                        var bundle = Bundle.LoadServed(spawnPath ?? bundlePath!, BundleParts.Users);
                        var users = bundle.Users!.Select(u => u.Id).ToList();
                        if (users.Count == 0)
                        {
                            throw new ArgumentException("the bundle has no users to request");
                        }

                        var items = bundle.Catalog.Items.Select(i => i.Id).ToList();
                        var promoted = parse.GetValue(promote);
                        if (
                            promoted is not null
                            && (
                                spawnPath is null
                                || storeKinds.Length != 1
                                || !Directory.Exists(new BundleRoot(spawnPath).VersionPath(promoted))
                            )
                        )
                        {
                            throw new ArgumentException(
                                "--promote needs --spawn <bundle root> holding that version under versions/, and one --store"
                            );
                        }

                        if (performanceMode)
                        {
                            var performance = new PerformanceRun(
                                parse.GetValue(costModel),
                                fixedRates,
                                rateShares,
                                parse.GetValue(saturationConcurrency),
                                settings
                            );
                            WriteJson(
                                parse.GetValue(json),
                                await performance.RunAsync(
                                    spawnPath!,
                                    storeKinds[0],
                                    bundle,
                                    users,
                                    output,
                                    cancellationToken
                                ),
                                output
                            );
                            return 0;
                        }

                        var measureRecord = parse.GetValue(record);
                        var reports = new List<LoadReport>();
                        if (spawnPath is not null)
                        {
                            foreach (var store in storeKinds)
                            {
                                output.WriteLine(
                                    $"starting retrieval, ranking and gateway ({store} user store) on loopback over {Path.GetFullPath(spawnPath)}"
                                );
                                await using var services = await LocalServices.StartAsync(
                                    spawnPath,
                                    userStore: store,
                                    cancellationToken: cancellationToken
                                );
                                output.WriteLine(
                                    $"gateway {services.GatewayAddress} serving (pids {string.Join(", ", services.Processes.Select(p => p.ProcessId).Append(services.Redis?.ProcessId ?? 0).Where(p => p != 0))})"
                                );
                                reports.Add(
                                    await RunAsync(
                                        services.GatewayAddress,
                                        store,
                                        users,
                                        items,
                                        settings,
                                        measureRecord,
                                        output,
                                        cancellationToken,
                                        promoted is null
                                            ? null
                                            : load => new PromotionDuringLoad(
                                                new BundleRoot(spawnPath),
                                                promoted,
                                                services.Processes,
                                                load,
                                                output
                                            ),
                                        CpuWindow.Of(services)
                                    )
                                );
                            }
                        }
                        else
                        {
                            reports.Add(
                                await RunAsync(
                                    address!,
                                    "as configured",
                                    users,
                                    items,
                                    settings,
                                    measureRecord,
                                    output,
                                    cancellationToken
                                )
                            );
                        }

                        foreach (var report in reports)
                        {
                            output.WriteLine(Table(report));
                        }

                        WriteJson(parse.GetValue(json), reports.Count == 1 ? reports[0] : reports, output);

                        return reports.Any(r => r.Recommend.Requests == 0 || r.RecordInteraction is { Requests: 0 })
                            ? 1
                            : 0;
                    }
                )
        );
        return command;
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
        var warm = TimeSpan.FromSeconds(settings.WarmupSeconds);
        var measured = TimeSpan.FromSeconds(settings.DurationSeconds);
        output.WriteLine(
            Invariant(
                $"Recommend: warm-up {settings.WarmupSeconds} s, then {settings.DurationSeconds} s at concurrency {settings.Concurrency}"
            )
        );
        await ClosedLoop.RunAsync(load.RecommendAsync, settings.Concurrency, warm, cancellationToken);
        var promoting = promotion?.Invoke(load).RunAsync(measured, cancellationToken);
        cpu?.Start();
        var recommend = await ClosedLoop.RunAsync(
            load.RecommendAsync,
            settings.Concurrency,
            measured,
            cancellationToken
        );
        var recommendCpu = cpu?.PerCall(recommend.Requests + recommend.Errors);
        var promoted = promoting is null ? null : await promoting;
        LoadSummary? recorded = null;
        if (measureRecord)
        {
            output.WriteLine(
                Invariant(
                    $"RecordInteraction: warm-up {settings.WarmupSeconds} s, then {settings.DurationSeconds} s at concurrency {settings.Concurrency}"
                )
            );
            await ClosedLoop.RunAsync(load.RecordInteractionAsync, settings.Concurrency, warm, cancellationToken);
            recorded = await ClosedLoop.RunAsync(
                load.RecordInteractionAsync,
                settings.Concurrency,
                measured,
                cancellationToken
            );
        }

        output.WriteLine(
            Invariant(
                $"floor (grpc.health.v1 Check): warm-up {settings.WarmupSeconds} s, then {settings.DurationSeconds} s at concurrency {settings.Concurrency}"
            )
        );
        await ClosedLoop.RunAsync(load.HealthCheckAsync, settings.Concurrency, warm, cancellationToken);
        cpu?.Start();
        var floor = await ClosedLoop.RunAsync(load.HealthCheckAsync, settings.Concurrency, measured, cancellationToken);
        var floorCpu = cpu?.PerCall(floor.Requests + floor.Errors);
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

    public static string Table(LoadReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine(
            c,
            $"{r.Target} ({r.Store} user store), concurrency {r.Concurrency}, {r.DurationSeconds} s per side, top {r.Count}; {r.Machine}"
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
                $"| {name} | {s.Requests} | {s.ThroughputRps:F0} | {s.P50Ms:F3} | {s.P90Ms:F3} | {s.P99Ms:F3} | {s.P999Ms:F3} | {s.MaxMs:F3} | {errors} |"
            );
        }

        text.AppendLine(c, $"Recommend / floor: p50 × {r.Ratio.P50:F2}, throughput × {r.Ratio.Throughput:F3}");
        if (r.RecommendCpu is { } recommendCpu && r.FloorCpu is { } floorCpu)
        {
            text.AppendLine(
                c,
                $"CPU µs per call, Recommend: {string.Join(", ", recommendCpu.Select(p => $"{p.Key} {p.Value:F0}"))}; floor: {string.Join(", ", floorCpu.Select(p => $"{p.Key} {p.Value:F0}"))}"
            );
        }

        if (r.Promotion is { } p)
        {
            text.AppendLine(
                c,
                $"promoted {p.Version} at {p.AtSeconds:F1} s; first answer on it after {(p.FirstAnswerSeconds is { } s ? s.ToString("F2", c) + " s" : "none")}; load and validate: {string.Join(", ", p.LoadSeconds.Select(l => $"{l.Key} {l.Value:F1} s"))}"
            );
            text.AppendLine(
                c,
                $"resident MB before / peak / after (anonymous): {string.Join("; ", p.Memory.Select(m => $"{m.Key} {m.Value.Before:F0} / {m.Value.Peak:F0} / {m.Value.After:F0} ({m.Value.AnonBefore:F0} / {m.Value.AnonPeak:F0} / {m.Value.AnonAfter:F0})"))}"
            );
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
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}";

    private static bool IsDebugBuild() =>
        typeof(LoadCommand).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled ?? false;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
