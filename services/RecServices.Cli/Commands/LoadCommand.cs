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
/// <c>recs load --target &lt;gateway&gt; --bundle &lt;dir&gt; | --spawn &lt;bundle&gt;</c>: closed-loop load on the
/// gateway's Recommend, and in the same run the floor (grpc.health.v1 Check on the same process at the same
/// concurrency), with the ratios between them.
/// </summary>
public static class LoadCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var target = new Option<string?>("--target") { Description = "The gateway's gRPC address, e.g. http://localhost:5131; needs --bundle for the user ids." };
        var bundleDir = new Option<string?>("--bundle") { Description = "With --target: the bundle the gateway serves (its users are requested in turn)." };
        var spawn = new Option<string?>("--spawn") { Description = "Start retrieval, ranking and gateway as processes on loopback over this bundle, measure, and stop them." };
        var concurrency = new Option<int>("--concurrency") { Description = "Calls in flight (closed loop: each worker calls again as soon as its call ends).", DefaultValueFactory = _ => 1 };
        var duration = new Option<double>("--duration") { Description = "Seconds measured per side (Recommend, then the floor).", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of unmeasured calls per side first: tiered JIT compilation of the services takes this long to settle under load.", DefaultValueFactory = _ => 15 };
        var count = new Option<int>("--count") { Description = "Items per Recommend.", DefaultValueFactory = _ => 10 };
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file." };
        var command = new Command("load", "Closed-loop load on the gateway's Recommend against the gRPC floor (health Check on the same process).")
        {
            target, bundleDir, spawn, concurrency, duration, warmup, count, json,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            var (address, bundlePath, spawnPath) = (parse.GetValue(target), parse.GetValue(bundleDir), parse.GetValue(spawn));
            if ((address is null) == (spawnPath is null))
            {
                throw new ArgumentException("give either --target <gateway address> with --bundle <dir>, or --spawn <bundle>");
            }

            if (address is not null && bundlePath is null)
            {
                throw new ArgumentException("--target needs --bundle <dir>: the bundle the gateway serves, whose users are requested");
            }

            var settings = new LoadSettings(parse.GetValue(concurrency), parse.GetValue(duration), parse.GetValue(warmup), parse.GetValue(count));
            settings.Validate();
            if (IsDebugBuild())
            {
                output.WriteLine("warning: this recs is a Debug build; measure with 'dotnet run -c Release --project services/RecServices.Cli -- load ...'");
            }

            var users = Bundle.Load(spawnPath ?? bundlePath!, BundleParts.Users).Users!.Select(u => u.Id).ToList();
            if (users.Count == 0)
            {
                throw new ArgumentException("the bundle has no users to request");
            }

            LoadReport report;
            if (spawnPath is not null)
            {
                output.WriteLine($"starting retrieval, ranking and gateway on loopback over {Path.GetFullPath(spawnPath)}");
                await using var services = await LocalServices.StartAsync(spawnPath, cancellationToken: cancellationToken);
                output.WriteLine($"gateway {services.GatewayAddress} serving (pids {string.Join(", ", services.Processes.Select(p => p.ProcessId))})");
                report = await RunAsync(services.GatewayAddress, users, settings, output, cancellationToken);
            }
            else
            {
                report = await RunAsync(address!, users, settings, output, cancellationToken);
            }

            output.WriteLine(Table(report));
            if (parse.GetValue(json) is { } file)
            {
                File.WriteAllText(file, JsonSerializer.Serialize(report, JsonOptions));
                output.WriteLine($"wrote {Path.GetFullPath(file)}");
            }

            return report.Recommend.Requests == 0 ? 1 : 0;
        }));
        return command;
    }

    public static async Task<LoadReport> RunAsync(string address, IReadOnlyList<string> users, LoadSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        using var load = new LoadTarget(address, users, settings.Count);
        var warm = TimeSpan.FromSeconds(settings.WarmupSeconds);
        var measured = TimeSpan.FromSeconds(settings.DurationSeconds);
        output.WriteLine(Invariant($"Recommend: warm-up {settings.WarmupSeconds} s, then {settings.DurationSeconds} s at concurrency {settings.Concurrency}"));
        await ClosedLoop.RunAsync(load.RecommendAsync, settings.Concurrency, warm, cancellationToken);
        var recommend = await ClosedLoop.RunAsync(load.RecommendAsync, settings.Concurrency, measured, cancellationToken);
        output.WriteLine(Invariant($"floor (grpc.health.v1 Check): warm-up {settings.WarmupSeconds} s, then {settings.DurationSeconds} s at concurrency {settings.Concurrency}"));
        await ClosedLoop.RunAsync(load.HealthCheckAsync, settings.Concurrency, warm, cancellationToken);
        var floor = await ClosedLoop.RunAsync(load.HealthCheckAsync, settings.Concurrency, measured, cancellationToken);
        var ratio = new LoadRatio(
            Math.Round(recommend.P50Ms / Math.Max(floor.P50Ms, 1e-9), 2),
            Math.Round(recommend.ThroughputRps / Math.Max(floor.ThroughputRps, 1e-9), 3));
        return new LoadReport(address, settings.Concurrency, settings.DurationSeconds, settings.WarmupSeconds, settings.Count, Machine(), recommend, floor, ratio);
    }

    public static string Table(LoadReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine(c, $"{r.Target}, concurrency {r.Concurrency}, {r.DurationSeconds} s per side, top {r.Count}; {r.Machine}");
        text.AppendLine("| call | requests | throughput (req/s) | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, s) in new[] { ("Recommend", r.Recommend), ("floor: health Check", r.Floor) })
        {
            var errors = s.Errors == 0 ? "0" : $"{s.Errors} ({string.Join(", ", s.ErrorsByStatus.Select(e => $"{e.Key} {e.Value}"))})";
            text.AppendLine(c, $"| {name} | {s.Requests} | {s.ThroughputRps:F0} | {s.P50Ms:F3} | {s.P90Ms:F3} | {s.P99Ms:F3} | {s.P999Ms:F3} | {s.MaxMs:F3} | {errors} |");
        }

        text.AppendLine(c, $"Recommend / floor: p50 × {r.Ratio.P50:F2}, throughput × {r.Ratio.Throughput:F3}");
        return text.ToString();
    }

    private static string Machine() =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}";

    private static bool IsDebugBuild() =>
        typeof(LoadCommand).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled ?? false;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
