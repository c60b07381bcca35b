using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using RecServices.Cli.Cost;

namespace RecServices.Cli.Commands;

/// <summary>
/// <c>recs cost --out &lt;dir&gt; [--sizes 10000 100000 1000000]</c>: cost against catalog size. At each size: the bundle
/// build by step (time, peak RSS), the served two-stage pipeline against full-catalog scoring (time per request and
/// nDCG@10 on a held-out carve), each service's start-up and resident memory, and GetCandidates, RankCandidates and
/// Recommend over gRPC. Writes cost.json, cost.md and cost.png into the output directory.
/// </summary>
public static class CostCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var outDir = new Option<string>("--out") { Description = "Directory for cost.json, cost.md, cost.png and each size's bundle (<items>/bundle).", Required = true };
        var sizes = new Option<int[]>("--sizes")
        {
            Description = "Catalog sizes (items), smallest first; one user per five items (at least 2,000), 50 interactions per user.",
            DefaultValueFactory = _ => [10_000, 100_000, 1_000_000],
            AllowMultipleArgumentsPerToken = true,
        };
        var examples = new Option<long>("--examples") { Description = "Training examples per build, in whole epochs (at most 20).", DefaultValueFactory = _ => CostScale.DefaultExampleBudget };
        var epochs = new Option<int?>("--epochs") { Description = "Training epochs instead of the example budget's (each capped at --examples examples)." };
        var quality = new Option<int>("--quality-users") { Description = "Held-out users scored by both pipelines in process.", DefaultValueFactory = _ => 2_000 };
        var callUsers = new Option<int>("--call-users") { Description = "Users whose requests the gRPC calls cycle through.", DefaultValueFactory = _ => 500 };
        var warmup = new Option<double>("--warmup") { Description = "Unmeasured seconds of each gRPC call first.", DefaultValueFactory = _ => 5 };
        var duration = new Option<double>("--duration") { Description = "Measured seconds of each gRPC call (concurrency 1).", DefaultValueFactory = _ => 10 };
        var reuse = new Option<bool>("--reuse-bundles") { Description = "Serve the bundle an earlier run left under --out for a size when it was built from the same data (skip the build)." };
        var command = new Command("cost", "Cost against catalog size: build, start-up, memory and per-request time (two-stage against full-catalog scoring, and each hop over gRPC).")
        {
            outDir, sizes, examples, epochs, quality, callUsers, warmup, duration, reuse,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(error, async () =>
        {
            var items = parse.GetValue(sizes)!;
            if (items.Length == 0 || items.Any(n => n is < 100 or > 10_000_000))
            {
                throw new ArgumentException("--sizes takes catalog sizes between 100 and 10,000,000 items");
            }

            if (parse.GetValue(quality) < 10 || parse.GetValue(callUsers) < 1 || parse.GetValue(examples) < 1000 || parse.GetValue(epochs) is < 1)
            {
                throw new ArgumentException("--quality-users must be at least 10, --call-users at least 1, --examples at least 1000, --epochs at least 1");
            }

            new Load.LoadSettings(1, parse.GetValue(duration), parse.GetValue(warmup), 10).Validate();
            var directory = Path.GetFullPath(parse.GetValue(outDir)!);
            Directory.CreateDirectory(directory);
            var run = new CostRun(directory, parse.GetValue(quality), parse.GetValue(callUsers), parse.GetValue(warmup), parse.GetValue(duration), parse.GetValue(reuse), output);
            var results = new List<SizeCost>();
            foreach (var size in items.Distinct().Order())
            {
                results.Add(await run.RunAsync(new CostScale(size, parse.GetValue(examples), parse.GetValue(epochs)), cancellationToken));
                File.WriteAllText(Path.Combine(directory, "cost.json"), JsonSerializer.Serialize(results, JsonOptions)); // each size as it ends
            }

            var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}";
            var table = CostTable.Markdown(results, machine);
            File.WriteAllText(Path.Combine(directory, "cost.md"), table);
            CostChart.Write(results, Path.Combine(directory, "cost.png"));
            output.WriteLine(table);
            output.WriteLine($"wrote cost.json, cost.md and cost.png to {directory}");
            return results.Any(r => r.Calls.Any(c => c.Summary.Requests == 0)) ? 1 : 0;
        }));
        return command;
    }
}
