using System.CommandLine;
using System.Text.Json;
using RecServices.Cli.Cost;

namespace RecServices.Cli.Commands;

/// <summary>
/// <c>recs cost --out &lt;dir&gt; [--sizes 3000 10000 100000 1000000]</c>: cost against catalog size. At each size:
/// the bundle build by step (time, peak RSS), the served two-stage pipeline against full-catalog scoring (time per
/// request and nDCG@10 on a held-out carve), each service's start-up and resident memory, and GetCandidates,
/// RankCandidates and Recommend over gRPC. Writes cost.json, cost.md and cost.png into the output directory.
/// </summary>
public static class CostCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var outDir = new Option<string>("--out")
        {
            Description = "Directory for cost.json, cost.md, cost.png and each size's bundle (<items>/bundle).",
            Required = true,
        };
        var sizes = new Option<int[]>("--sizes")
        {
            Description =
                "Catalog sizes (items), smallest first; one user per five items (at least 2,000), 50 interactions per user.",
            DefaultValueFactory = _ => [3_000, 10_000, 100_000, 1_000_000], // 3k: the catalog of the synthetic default
            AllowMultipleArgumentsPerToken = true,
        };
        var examples = new Option<long>("--examples")
        {
            Description = "Training examples per build, in whole epochs (at most 20).",
            DefaultValueFactory = _ => CostScale.DefaultExampleBudget,
        };
        var epochs = new Option<int?>("--epochs")
        {
            Description = "Training epochs instead of the example budget's (each capped at --examples examples).",
        };
        var quality = new Option<int>("--quality-users")
        {
            Description = "Held-out users scored by both pipelines in process.",
            DefaultValueFactory = _ => 2_000,
        };
        var callUsers = new Option<int>("--call-users")
        {
            Description = "Users whose requests the gRPC calls cycle through.",
            DefaultValueFactory = _ => 500,
        };
        var warmup = new Option<double>("--warmup")
        {
            Description = "Unmeasured seconds of each gRPC call first.",
            DefaultValueFactory = _ => 5,
        };
        var duration = new Option<double>("--duration")
        {
            Description = "Measured seconds of each gRPC call (concurrency 1), split over the rounds.",
            DefaultValueFactory = _ => 12,
        };
        var rounds = new Option<int>("--rounds")
        {
            Description =
                "Rounds over the sizes: every system is started first, then each round measures every size's calls in turn.",
            DefaultValueFactory = _ => 3,
        };
        var reuse = new Option<bool>("--reuse-bundles")
        {
            Description =
                "Serve the bundle an earlier run left under --out for a size when it was built from the same data (skip the build).",
        };
        var command = new Command(
            "cost",
            "Cost against catalog size: build, start-up, memory and per-request time (two-stage against full-catalog scoring, and each hop over gRPC)."
        )
        {
            outDir,
            sizes,
            examples,
            epochs,
            quality,
            callUsers,
            warmup,
            duration,
            rounds,
            reuse,
        };
        command.SetAction(
            (parse, cancellationToken) =>
                CommandErrors.RunAsync(
                    error,
                    async () =>
                    {
                        var items = parse.GetValue(sizes)!;
                        if (items.Length == 0 || items.Any(n => n is < 100 or > 10_000_000))
                        {
                            throw new ArgumentException("--sizes takes catalog sizes between 100 and 10,000,000 items");
                        }

                        if (
                            parse.GetValue(quality) < 10
                            || parse.GetValue(callUsers) < 1
                            || parse.GetValue(examples) < 1000
                            || parse.GetValue(epochs) is < 1
                            || parse.GetValue(rounds) is < 1 or > 100
                        )
                        {
                            throw new ArgumentException(
                                "--quality-users must be at least 10, --call-users at least 1, --examples at least 1000, --epochs at least 1, --rounds between 1 and 100"
                            );
                        }

                        new Load.LoadSettings(1, parse.GetValue(duration), parse.GetValue(warmup), 10).Validate();
                        var directory = Path.GetFullPath(parse.GetValue(outDir)!);
                        Directory.CreateDirectory(directory);
                        var run = new CostRun(
                            directory,
                            parse.GetValue(quality),
                            parse.GetValue(callUsers),
                            parse.GetValue(warmup),
                            parse.GetValue(duration),
                            parse.GetValue(rounds),
                            parse.GetValue(reuse),
                            output
                        );
                        var results = await run.RunAsync(
                            items
                                .Distinct()
                                .Order()
                                .Select(n => new CostScale(n, parse.GetValue(examples), parse.GetValue(epochs)))
                                .ToList(),
                            cancellationToken
                        );
                        File.WriteAllText(
                            Path.Combine(directory, "cost.json"),
                            JsonSerializer.Serialize(results, JsonOptions)
                        );
                        var table = CostTable.Markdown(results, LoadCommand.Machine());
                        File.WriteAllText(Path.Combine(directory, "cost.md"), table);
                        CostChart.Write(results, Path.Combine(directory, "cost.png"));
                        output.WriteLine(table);
                        output.WriteLine($"wrote cost.json, cost.md and cost.png to {directory}");
                        return results.Any(r => r.Calls.Any(c => c.Summary.Requests == 0)) ? 1 : 0;
                    }
                )
        );
        return command;
    }
}
