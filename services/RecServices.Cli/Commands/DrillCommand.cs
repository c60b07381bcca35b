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
/// </summary>
public static class DrillCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var spawn = new Option<string>("--spawn") { Description = "Start retrieval, ranking and gateway as processes on loopback over this bundle (and redis-server with --store redis).", Required = true };
        var store = new Option<string>("--store") { Description = "The gateway's user store: sqlite or redis (append-only file, fsync always).", DefaultValueFactory = _ => "sqlite" };
        var kill = new Option<string>("--kill") { Description = "What to kill with SIGKILL midway: gateway, or redis (with --store redis).", DefaultValueFactory = _ => KillDrill.KillGateway };
        var writers = new Option<int>("--writers") { Description = "Concurrent RecordInteraction callers.", DefaultValueFactory = _ => 16 };
        var before = new Option<double>("--before") { Description = "Seconds of writes before the kill.", DefaultValueFactory = _ => 5 };
        var after = new Option<double>("--after") { Description = "Seconds of writes after the killed process serves again.", DefaultValueFactory = _ => 5 };
        var json = new Option<string?>("--json") { Description = "Write the result as JSON to this file." };
        var command = new Command("drill", "Durability drill: writes through the gateway, kill -9 of the gateway or redis-server midway, then counts acknowledged writes lost (exit 1 when any is).")
        {
            spawn, store, kill, writers, before, after, json,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            var (storeKind, target) = (parse.GetValue(store)!, parse.GetValue(kill)!);
            if (storeKind is not ("sqlite" or "redis"))
            {
                throw new ArgumentException($"--store must be sqlite or redis; got '{storeKind}'");
            }

            if (target is not (KillDrill.KillGateway or KillDrill.KillRedis))
            {
                throw new ArgumentException($"--kill must be gateway or redis; got '{target}'");
            }

            var (count, first, second) = (parse.GetValue(writers), parse.GetValue(before), parse.GetValue(after));
            if (count is < 1 or > 1024 || first is <= 0 or > 3600 || second is <= 0 or > 3600)
            {
                throw new ArgumentException("--writers must be 1 to 1024, --before and --after more than 0 and at most 3600 seconds");
            }

            var root = parse.GetValue(spawn)!;
            var bundle = Bundle.LoadServed(root, BundleParts.Users);
            output.WriteLine($"starting retrieval, ranking and gateway ({storeKind} user store) over {bundle.Directory}");
            await using var services = await LocalServices.StartAsync(root, userStore: storeKind, cancellationToken: cancellationToken);
            var drill = new KillDrill(services, bundle.Users!.Select(u => u.Id).ToList(), bundle.Catalog.Items.Select(i => i.Id).ToList());
            var report = await drill.RunAsync(target, count, TimeSpan.FromSeconds(first), TimeSpan.FromSeconds(second), output, cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Store} store, kill -9 {report.Killed}, {report.Writers} writers, {report.Seconds} s: {report.Acknowledged} acknowledged, {report.Lost} lost, {report.RecordedTwice} recorded twice, {report.RecordedUnacknowledged} recorded without an answer (in flight at the kill), {report.FailedAttempts} failed attempts retried, {report.OutageSeconds} s from the kill to the next acknowledged write"));
            if (parse.GetValue(json) is { } file)
            {
                File.WriteAllText(file, JsonSerializer.Serialize(report, JsonOptions));
            }

            return report.Lost == 0 && report.RecordedTwice == 0 ? 0 : 1;
        }));
        return command;
    }
}
