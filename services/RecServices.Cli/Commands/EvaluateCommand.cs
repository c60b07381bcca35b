using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Evaluation;
using RecServices.Serving.Retrieval;
using RecServices.Training.Bundling;
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
        var data = new Option<string>("--data")
        {
            Description = "A dataset folder of a supported format, or 'synthetic'.",
            Required = true,
        };
        var protocol = new Option<string>("--protocol")
        {
            Description = "The evaluation protocol (docs/evaluation.md).",
            DefaultValueFactory = _ => ProtocolEvaluator.Protocol,
        };
        var outDir = new Option<string>("--out")
        {
            Description =
                "Directory for metrics.json, metrics.md, lists.jsonl and the bundle trained on the train part.",
            Required = true,
        };
        var epochs = new Option<int>("--epochs")
        {
            Description = "Most training epochs.",
            DefaultValueFactory = _ => new TrainingOptions().Epochs,
        };
        var candidates = new Option<int>("--max-candidates")
        {
            Description = "Candidate cap of the served pipeline.",
            DefaultValueFactory = _ => RetrievalOptions.DefaultCandidateCap,
        };
        var scale = new Option<double>("--quota-scale")
        {
            Description =
                "Candidate budget: the design's recipe (10 × 10 similar, 3 × 10 genre, 20 country, 20 popular) times this; the default is the scale the sweep chose.",
            DefaultValueFactory = _ => RetrievalOptions.DefaultScale,
        };
        var embedding = EmbeddingQuotaOption.Create();
        var trainFile = new Option<string?>("--train")
        {
            Description =
                "A split made elsewhere: train ratings, tab-separated 'user item rating timestamp' (u.data layout); needs --test.",
        };
        var testFile = new Option<string?>("--test")
        {
            Description = "The test ratings of that split; --data still supplies items and users.",
        };
        var viaGrpc = new Option<string?>("--via-grpc")
        {
            Description =
                "Produce the lists through a running gateway (e.g. http://localhost:5131) instead of in process; needs --bundle.",
        };
        var bundleDir = new Option<string?>("--bundle")
        {
            Description =
                "With --via-grpc: the bundle the services serve (the one an earlier 'recs evaluate' wrote into --out/bundle).",
        };
        var search = SearchOption.Create();
        var penalty = PopularityPenaltyOption.Create();
        var command = new Command(
            "evaluate",
            "Split, train on the train part, and measure the served two-stage pipeline, the full-catalog ranking and popularity."
        )
        {
            data,
            protocol,
            outDir,
            epochs,
            candidates,
            scale,
            embedding,
            trainFile,
            testFile,
            viaGrpc,
            bundleDir,
            search,
            penalty,
        };
        command.SetAction(
            (parse, cancellationToken) =>
                CommandErrors.RunAsync(
                    error,
                    async () =>
                    {
                        var (train, test) = (parse.GetValue(trainFile), parse.GetValue(testFile));
                        if ((train is null) != (test is null))
                        {
                            throw new ArgumentException(
                                "--train and --test go together: give both files of the split, or neither"
                            );
                        }

                        if (train is null && parse.GetValue(protocol) != ProtocolEvaluator.Protocol)
                        {
                            throw new ArgumentException(
                                $"unknown protocol '{parse.GetValue(protocol)}'; supported: {ProtocolEvaluator.Protocol}"
                            );
                        }

                        var build = new BuildOptions
                        {
                            Training = new TrainingOptions { Epochs = parse.GetValue(epochs) },
                            SearchTrials = SearchOption.Read(parse.GetValue(search)),
                            PopularityPenalty = PopularityPenaltyOption.Read(parse.GetValue(penalty)),
                        };
                        build.Training.Validate();
                        var dataset = DataSource.Load(parse.GetValue(data)!, new SyntheticOptions(), output);
                        var directory = Path.GetFullPath(parse.GetValue(outDir)!);
                        Directory.CreateDirectory(directory);
                        var (trainRows, testRows, name) = train is null
                            ? Split(dataset)
                            : (
                                SplitFileReader.Read(train, dataset),
                                SplitFileReader.Read(test!, dataset),
                                $"given split ({Path.GetFileName(train)} / {Path.GetFileName(test)})"
                            );

                        EvaluationReport report;
                        IReadOnlyList<UserList> lists;
                        if (parse.GetValue(viaGrpc) is { } address)
                        {
                            var bundle = Bundle.LoadServed(
                                parse.GetValue(bundleDir)
                                    ?? throw new ArgumentException(
                                        "--via-grpc needs --bundle: the bundle the services serve"
                                    ),
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
                            report = new EvaluationReport(
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
                            lists = scored.Lists;
                        }
                        else
                        {
                            (report, lists) = new ProtocolEvaluator(build, line => output.WriteLine(line)).RunOnSplit(
                                dataset,
                                trainRows,
                                testRows,
                                name,
                                directory,
                                maxCandidates: parse.GetValue(candidates),
                                quotaScale: parse.GetValue(scale),
                                embeddingQuota: EmbeddingQuotaOption.Read(parse.GetValue(embedding))
                            );
                        }

                        File.WriteAllText(
                            Path.Combine(directory, "metrics.json"),
                            JsonSerializer.Serialize(report, BundleJson.Options)
                        );
                        var table = Markdown(report);
                        File.WriteAllText(Path.Combine(directory, "metrics.md"), table);
                        await using (
                            var writer = new StreamWriter(
                                Path.Combine(directory, "lists.jsonl"),
                                false,
                                new UTF8Encoding(false)
                            )
                        )
                        {
                            foreach (var list in lists)
                            {
                                await writer.WriteLineAsync(
                                    JsonSerializer.Serialize(new { user = list.User, items = list.Items })
                                );
                            }
                        }

                        output.WriteLine(table);
                        return 0;
                    }
                )
        );
        return command;
    }

    /// <summary>The protocol's split, named.</summary>
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
            $"{report.Dataset}, protocol {report.Protocol}, {report.Users} users, top {report.K}, bundle {report.BundleVersion}"
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
                $"| {name} | {m[$"map@{report.K}"]:F4} | {m[$"ndcg@{report.K}"]:F4} | {m[$"precision@{report.K}"]:F4} | {m[$"recall@{report.K}"]:F4} | {m["coverage"]:F3} | {m[ProtocolEvaluator.TopShare]:F3} |"
            );
        }

        text.AppendLine();
        text.AppendLine(
            "Coverage: share of the catalog in any user's list. Top-1 % share: share of the recommended slots that hold one of the 1 % most popular items (by train interactions)."
        );

        text.AppendLine();
        if (double.IsFinite(report.RetrievalRecall))
        {
            text.AppendLine(
                c,
                $"Retrieval recall (share of a user's test items among the candidates): {report.RetrievalRecall:F4} with {report.MeanCandidates:F0} candidates on average (cap {report.MaxCandidates}); {report.Seconds:F0} s."
            );
        }
        return text.ToString();
    }
}
