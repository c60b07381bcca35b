using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Evaluation;
using RecServices.Serving.Retrieval;
using RecServices.Training.Model;

namespace RecServices.Cli.Commands;

/// <summary>
/// <c>recs evaluate --data &lt;folder&gt; --protocol ms-stratified-75 --out &lt;dir&gt;</c>: quality under the
/// published protocol.
/// </summary>
public static class EvaluateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var options = new EvaluateOptions();
        return CommandDefinition.Of(
            "evaluate",
            "Split, train on the train part, and measure the served two-stage pipeline, the full-catalog "
                + "ranking and popularity.",
            options.All,
            error,
            (parse, cancellationToken) => ExecuteAsync(parse, options, output, cancellationToken)
        );
    }

    /// <summary>
    /// Splits (or reads the given split), then measures in process or through a gateway, and writes metrics.json,
    /// metrics.md and lists.jsonl.
    /// </summary>
    private static async Task<int> ExecuteAsync(
        ParseResult parse,
        EvaluateOptions o,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var (train, test) = (parse.GetValue(o.TrainFile), parse.GetValue(o.TestFile));
        if ((train is null) != (test is null))
        {
            throw new ArgumentException("--train and --test go together: give both files of the split, or neither");
        }

        if (train is null && parse.GetValue(o.Protocol) != ProtocolEvaluator.Protocol)
        {
            throw new ArgumentException(
                $"unknown protocol '{parse.GetValue(o.Protocol)}'; supported: {ProtocolEvaluator.Protocol}"
            );
        }

        var (build, dataset, directory) = await EvaluationRun.PrepareAsync(
            parse.GetValue(o.Epochs),
            parse.GetValue(o.IdDropout),
            parse.GetValue(o.Search),
            parse.GetValue(o.Penalty)!,
            parse.GetValue(o.Data)!,
            parse.GetValue(o.OutDir)!,
            output,
            cancellationToken
        );
        if (parse.GetValue(o.ColdItems) is { } share)
        {
            if (train is not null || parse.GetValue(o.ViaGrpc) is not null)
            {
                throw new ArgumentException(
                    "--cold-items runs the protocol's own split in process: drop --train, " + "--test and --via-grpc"
                );
            }

            var cold = new ColdItemsEvaluator(build, line => output.WriteLine(line)).Run(
                dataset,
                directory,
                share is > 0 and < 1
                    ? share
                    : throw new ArgumentException(
                        $"--cold-items must be above 0 and below 1 (0.1 = 10 %); got {share}"
                    ),
                maxCandidates: parse.GetValue(o.Candidates),
                freshSlots: parse.GetValue(o.FreshSlots)
            );
            var markdown = cold.Markdown();
            await File.WriteAllTextAsync(Path.Combine(directory, "cold-items.md"), markdown, cancellationToken);
            await File.WriteAllTextAsync(
                Path.Combine(directory, "cold-items.json"),
                JsonSerializer.Serialize(cold, BundleJson.Options),
                cancellationToken
            );
            output.WriteLine(markdown);
            return 0;
        }

        var (trainRows, testRows, name) = train is null
            ? Split(dataset)
            : (
                SplitFileReader.Read(train, dataset),
                SplitFileReader.Read(test!, dataset),
                $"given split ({Path.GetFileName(train)} / {Path.GetFileName(test)})"
            );

        var (report, lists) = parse.GetValue(o.ViaGrpc) is { } address
            ? await ViaGrpcAsync(
                address,
                parse.GetValue(o.BundleDir),
                dataset,
                trainRows,
                testRows,
                name,
                cancellationToken
            )
            : new ProtocolEvaluator(build, line => output.WriteLine(line)).RunOnSplit(
                dataset,
                trainRows,
                testRows,
                name,
                directory,
                maxCandidates: parse.GetValue(o.Candidates),
                quotaScale: parse.GetValue(o.Scale),
                embeddingQuota: EmbeddingQuotaOption.Read(parse.GetValue(o.Embedding))
            );
        var table = Markdown(report);
        await WriteAsync(directory, report, table, lists);
        output.WriteLine(table);
        return 0;
    }

    /// <summary>The gateway's lists for the test users, scored by the protocol.</summary>
    private static async Task<(EvaluationReport Report, IReadOnlyList<UserList> Lists)> ViaGrpcAsync(
        string address,
        string? bundleDir,
        Dataset dataset,
        InteractionTable trainRows,
        InteractionTable testRows,
        string name,
        CancellationToken cancellationToken
    )
    {
        var bundle = Bundle.LoadServed(
            bundleDir ?? throw new ArgumentException("--via-grpc needs --bundle: the bundle the services serve"),
            BundleParts.Core
        );
        var fetched = await GatewayLists.FetchAsync(
            address,
            dataset.WithInteractions(trainRows),
            bundle,
            ProtocolEvaluator.UsersOf(testRows),
            10,
            cancellationToken
        );
        var scored = ProtocolEvaluator.ScoreLists(dataset, trainRows, testRows, 10, fetched);
        var report = new EvaluationReport(
            name + " via gRPC " + address,
            dataset.Name,
            bundle.Manifest.Version,
            scored.Users,
            10,
            0,
            double.NaN,
            double.NaN,
            scored.Rows,
            0
        );
        return (report, scored.Lists);
    }

    private static async Task WriteAsync(
        string directory,
        EvaluationReport report,
        string table,
        IReadOnlyList<UserList> lists
    )
    {
        File.WriteAllText(
            Path.Combine(directory, "metrics.json"),
            JsonSerializer.Serialize(report, BundleJson.Options)
        );
        File.WriteAllText(Path.Combine(directory, "metrics.md"), table);
        await using var writer = new StreamWriter(
            Path.Combine(directory, "lists.jsonl"),
            false,
            new UTF8Encoding(false)
        );
        foreach (var list in lists)
        {
            await writer.WriteLineAsync(JsonSerializer.Serialize(new { user = list.User, items = list.Items }));
        }
    }

    public static (InteractionTable Train, InteractionTable Test, string Name) Split(Dataset dataset)
    {
        var (train, test) = ProtocolEvaluator.ProtocolSplit(dataset);
        return (train, test, ProtocolEvaluator.Protocol);
    }

    public static string Markdown(EvaluationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(
            c,
            $"{report.Dataset}, protocol {report.Protocol}, {report.Users} users, top {report.K}, bundle "
                + $"{report.BundleVersion}"
        );
        text.AppendLine();
        text.AppendLine(
            c,
            $"| model | MAP | nDCG@{report.K} | P@{report.K} | R@{report.K} | coverage | top-1 % share |"
        );
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (name, m) in report.Rows)
        {
            text.AppendLine(
                c,
                $"| {name} | {m[$"map@{report.K}"]:F4} | {m[$"ndcg@{report.K}"]:F4} | "
                    + $"{m[$"precision@{report.K}"]:F4} | {m[$"recall@{report.K}"]:F4} | {m["coverage"]:F3} | "
                    + $"{m[ProtocolEvaluator.TopShare]:F3} |"
            );
        }

        text.AppendLine();
        text.AppendLine(
            "Coverage: share of the catalog in any user's list. Top-1 % share: share of the recommended "
                + "slots that hold one of the 1 % most popular items (by train interactions)."
        );

        text.AppendLine();
        if (double.IsFinite(report.RetrievalRecall))
        {
            text.AppendLine(
                c,
                $"Retrieval recall (share of a user's test items among the candidates): "
                    + $"{report.RetrievalRecall:F4} with {report.MeanCandidates:F0} candidates on average (cap "
                    + $"{report.MaxCandidates}); {report.Seconds:F0} s."
            );
        }
        return text.ToString();
    }

    /// <summary><c>recs evaluate</c>'s options.</summary>
    private sealed class EvaluateOptions
    {
        public Option<string> Data { get; } =
            new("--data") { Description = "A dataset folder of a supported format, or 'synthetic'.", Required = true };
        public Option<string> Protocol { get; } =
            new("--protocol")
            {
                Description = "The evaluation protocol (docs/evaluation.md).",
                DefaultValueFactory = _ => ProtocolEvaluator.Protocol,
            };
        public Option<string> OutDir { get; } =
            new("--out")
            {
                Description =
                    "Directory for metrics.json, metrics.md, lists.jsonl and the bundle trained on the train part.",
                Required = true,
            };
        public Option<int> Epochs { get; } =
            new("--epochs")
            {
                Description = "Most training epochs.",
                DefaultValueFactory = _ => new TrainingOptions().Epochs,
            };
        public Option<int> Candidates { get; } =
            new("--max-candidates")
            {
                Description = "Candidate cap of the served pipeline.",
                DefaultValueFactory = _ => RetrievalOptions.DefaultCandidateCap,
            };
        public Option<double> Scale { get; } =
            new("--quota-scale")
            {
                Description =
                    "Candidate budget: the design's recipe (10 × 10 similar, 3 × 10 category, 20 country, 20 "
                    + "popular) times this; the default is the scale the sweep chose.",
                DefaultValueFactory = _ => RetrievalOptions.DefaultScale,
            };
        public Option<string?> TrainFile { get; } =
            new("--train")
            {
                Description =
                    "A split made elsewhere: train ratings, tab-separated 'user item rating timestamp' "
                    + "(u.data layout); needs --test.",
            };
        public Option<string?> TestFile { get; } =
            new("--test") { Description = "The test ratings of that split; --data still supplies items and users." };
        public Option<string?> ViaGrpc { get; } =
            new("--via-grpc")
            {
                Description =
                    "Produce the lists through a running gateway (e.g. http://localhost:5131) instead of in "
                    + "process; needs --bundle.",
            };
        public Option<string?> BundleDir { get; } =
            new("--bundle")
            {
                Description =
                    "With --via-grpc: the bundle the services serve (the one an earlier 'recs evaluate' "
                    + "wrote into --out/bundle).",
            };
        public Option<double?> ColdItems { get; } =
            new("--cold-items")
            {
                Description =
                    "Cold-start quality instead: train without this share of the items (0.1 = 10 %) and their "
                    + "interactions, add them back through the item tower from their metadata, and report how "
                    + "often the served pipeline recommends them and their recall@10 (cold-items.md, .json).",
            };
        public Option<double> IdDropout { get; } = ItemIdDropoutOption.Create();
        public Option<int> FreshSlots { get; } =
            new("--fresh-slots")
            {
                Description =
                    "With --cold-items: places of each list kept for the cold items, as the gateway's "
                    + "Recs:FreshSlots (0 = none).",
                DefaultValueFactory = _ => Serving.Ranking.Ranker.DefaultFreshSlots,
            };
        public Option<int> Embedding { get; } = EmbeddingQuotaOption.Create();
        public Option<int> Search { get; } = SearchOption.Create();
        public Option<string> Penalty { get; } = PopularityPenaltyOption.Create();

        public Option[] All =>
            [
                Data,
                Protocol,
                OutDir,
                Epochs,
                Candidates,
                Scale,
                Embedding,
                TrainFile,
                TestFile,
                ViaGrpc,
                BundleDir,
                Search,
                Penalty,
                ColdItems,
                IdDropout,
                FreshSlots,
            ];
    }
}
