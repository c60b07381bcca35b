using System.CommandLine;
using System.Text.Json;
using RecServices.Cli.Commands;
using RecServices.Lab.Cost;

namespace RecServices.Lab.Commands;

/// <summary>
/// <c>recs-lab cost --out &lt;dir&gt; [--sizes 3000 10000 100000 1000000]</c>: cost against catalog size. At each size:
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
        var options = new CostOptions();
        return CommandDefinition.Of(
            "cost",
            "Cost against catalog size: build, start-up, memory and per-request time (two-stage against "
                + "full-catalog scoring, and each hop over gRPC).",
            options.All,
            error,
            (parse, cancellationToken) => ExecuteAsync(parse, options, output, cancellationToken)
        );
    }

    /// <summary>Builds and serves each size in turn, measures, and writes cost.json, cost.md and cost.png; 1 when a
    /// size's calls all failed.</summary>
    private static async Task<int> ExecuteAsync(
        ParseResult parse,
        CostOptions o,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var items = parse.GetValue(o.Sizes)!;
        if (items.Length == 0 || items.Any(n => n is < 100 or > 10_000_000))
        {
            throw new ArgumentException("--sizes takes catalog sizes between 100 and 10,000,000 items");
        }

        if (
            parse.GetValue(o.Quality) < 10
            || parse.GetValue(o.CallUsers) < 1
            || parse.GetValue(o.Examples) < 1000
            || parse.GetValue(o.Epochs) is < 1
            || parse.GetValue(o.Rounds) is < 1 or > 100
        )
        {
            throw new ArgumentException(
                "--quality-users must be at least 10, --call-users at least 1, "
                    + "--examples at least 1000, --epochs at least 1, --rounds between 1 and "
                    + "100"
            );
        }

        new Load.LoadSettings(1, parse.GetValue(o.Duration), parse.GetValue(o.Warmup), 10).Validate();
        var directory = Path.GetFullPath(parse.GetValue(o.OutDir)!);
        Directory.CreateDirectory(directory);
        var run = new CostRun(
            directory,
            parse.GetValue(o.Quality),
            parse.GetValue(o.CallUsers),
            parse.GetValue(o.Warmup),
            parse.GetValue(o.Duration),
            parse.GetValue(o.Rounds),
            parse.GetValue(o.Reuse),
            output
        );
        var results = await run.RunAsync(
            items
                .Distinct()
                .Order()
                .Select(n => new CostScale(n, parse.GetValue(o.Examples), parse.GetValue(o.Epochs)))
                .ToList(),
            cancellationToken
        );
        File.WriteAllText(Path.Combine(directory, "cost.json"), JsonSerializer.Serialize(results, JsonOptions));
        var table = CostTable.Markdown(results, LoadCommand.Machine());
        File.WriteAllText(Path.Combine(directory, "cost.md"), table);
        CostChart.Write(results, Path.Combine(directory, "cost.png"));
        output.WriteLine(table);
        output.WriteLine($"wrote cost.json, cost.md and cost.png to {directory}");
        return results.Any(r => r.Calls.Any(c => c.Summary.Requests == 0)) ? 1 : 0;
    }

    /// <summary>The command's options.</summary>
    private sealed class CostOptions
    {
        public Option<string> OutDir { get; } =
            new("--out")
            {
                Description = "Directory for cost.json, cost.md, cost.png and each size's bundle (<items>/bundle).",
                Required = true,
            };
        public Option<int[]> Sizes { get; } =
            new("--sizes")
            {
                Description =
                    "Catalog sizes (items), smallest first; one user per five items (at least 2,000), 50 "
                    + "interactions per user.",
                // 3k: the catalog of the synthetic default
                DefaultValueFactory = _ => [3_000, 10_000, 100_000, 1_000_000],
                AllowMultipleArgumentsPerToken = true,
            };
        public Option<long> Examples { get; } =
            new("--examples")
            {
                Description = "Training examples per build, in whole epochs (at most 20).",
                DefaultValueFactory = _ => CostScale.DefaultExampleBudget,
            };
        public Option<int?> Epochs { get; } =
            new("--epochs")
            {
                Description = "Training epochs instead of the example budget's (each capped at --examples examples).",
            };
        public Option<int> Quality { get; } =
            new("--quality-users")
            {
                Description = "Held-out users scored by both pipelines in process.",
                DefaultValueFactory = _ => 2_000,
            };
        public Option<int> CallUsers { get; } =
            new("--call-users")
            {
                Description = "Users whose requests the gRPC calls cycle through.",
                DefaultValueFactory = _ => 500,
            };
        public Option<double> Warmup { get; } =
            new("--warmup")
            {
                Description = "Unmeasured seconds of each gRPC call first.",
                DefaultValueFactory = _ => 5,
            };
        public Option<double> Duration { get; } =
            new("--duration")
            {
                Description = "Measured seconds of each gRPC call (concurrency 1), split over the rounds.",
                DefaultValueFactory = _ => 12,
            };
        public Option<int> Rounds { get; } =
            new("--rounds")
            {
                Description =
                    "Rounds over the sizes: every system is started first, then each round measures every "
                    + "size's calls in turn.",
                DefaultValueFactory = _ => 3,
            };
        public Option<bool> Reuse { get; } =
            new("--reuse-bundles")
            {
                Description =
                    "Serve the bundle an earlier run left under --out for a size when it was built from the "
                    + "same data (skip the build).",
            };

        public Option[] All => [OutDir, Sizes, Examples, Epochs, Quality, CallUsers, Warmup, Duration, Rounds, Reuse];
    }
}
