using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Evaluation;
using RecServices.Training.Bundling;
using RecServices.Training.Model;

namespace RecServices.Cli.Commands;

/// <summary>
/// <c>recs sweep --data &lt;folder&gt; --out &lt;dir&gt;</c>: quality and latency against the candidate count, and
/// the default chosen on validation.
/// </summary>
public static class SweepCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var data = new Option<string>("--data")
        {
            Description = "A dataset folder of a supported format, or 'synthetic'.",
            Required = true,
        };
        var outDir = new Option<string>("--out")
        {
            Description = "Directory for sweep.json, sweep.md and sweep.png.",
            Required = true,
        };
        var scales = new Option<double[]>("--scales")
        {
            Description = "Quota scales to try (every candidate source's quota multiplied).",
            DefaultValueFactory = _ => [.. CandidateSweep.DefaultScales],
            AllowMultipleArgumentsPerToken = true,
        };
        var epochs = new Option<int>("--epochs")
        {
            Description = "Most training epochs.",
            DefaultValueFactory = _ => new TrainingOptions().Epochs,
        };
        var viaGrpc = new Option<bool>("--via-grpc")
        {
            Description =
                "Also measure every scale through the three services, started as processes on loopback over the test bundle: latency per Recommend over gRPC, lists compared with in process.",
        };
        var search = SearchOption.Create();
        var penalty = PopularityPenaltyOption.Create();
        var embedding = EmbeddingQuotaOption.Create();
        var command = new Command(
            "sweep",
            "Measure served quality, retrieval recall and latency at several candidate counts; choose the default on a validation carve."
        )
        {
            data,
            outDir,
            scales,
            embedding,
            epochs,
            viaGrpc,
            search,
            penalty,
        };
        command.SetAction(
            async (parse, cancellationToken) =>
                await CommandErrors.RunAsync(
                    error,
                    async () =>
                    {
                        var values = parse.GetValue(scales)!;
                        if (values.Length == 0 || values.Any(v => v is <= 0 or > 1000))
                        {
                            throw new ArgumentException("--scales must be one or more numbers in (0, 1000]");
                        }

                        var embeddingQuota = EmbeddingQuotaOption.Read(parse.GetValue(embedding));
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
                        void Log(string line) => output.WriteLine(line);
                        var probe = parse.GetValue(viaGrpc) ? new GrpcSweepProbe(Log) : null;
                        var report = await new CandidateSweep(build, Log, embeddingQuota).RunAsync(
                            dataset,
                            directory,
                            values.Order().ToArray(),
                            probe,
                            cancellationToken: cancellationToken
                        );
                        File.WriteAllText(
                            Path.Combine(directory, "sweep.json"),
                            JsonSerializer.Serialize(report, BundleJson.Options)
                        );
                        var table = Markdown(report);
                        File.WriteAllText(Path.Combine(directory, "sweep.md"), table);
                        SweepChart.Write(report, Path.Combine(directory, "sweep.png"));
                        output.WriteLine(table);
                        return 0;
                    }
                )
        );
        return command;
    }

    public static string Markdown(SweepReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var k = report.K;
        var text = new StringBuilder();
        text.AppendLine(
            c,
            $"{report.Dataset}, protocol {report.Protocol}: served two-stage pipeline against the candidate budget{(report.EmbeddingQuota > 0 ? $", with the embedding source's {report.EmbeddingQuota} items at every scale" : string.Empty)}"
        );
        text.AppendLine();
        var grpc = report.Points.All(p => p.ViaGrpc is not null);
        text.AppendLine(
            c,
            $"| quota scale | candidates | retrieval recall (val) | nDCG@{k} (val) | candidates (test) | retrieval recall (test) | nDCG@{k} (test) | MAP (test) | p50 / p90 latency (ms, in process) |{(grpc ? " p50 / p90 / p99 latency (ms, via gRPC) | lists ≠ in process |" : string.Empty)}"
        );
        text.AppendLine(
            grpc ? "|---|---|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|---|"
        );
        foreach (var p in report.Points)
        {
            var mark = p.QuotaScale == report.ChosenScale ? " **(chosen)**" : string.Empty;
            text.AppendLine(
                c,
                $"| {p.QuotaScale}{mark} | {p.Validation.MeanCandidates:F0} | {p.Validation.RetrievalRecall:F4} | {CandidateSweep.Ndcg(p.Validation, k):F4} | {p.Test.MeanCandidates:F0} | {p.Test.RetrievalRecall:F4} | {CandidateSweep.Ndcg(p.Test, k):F4} | {p.Test.Rows[ProtocolEvaluator.Served][$"map@{k}"]:F4} | {p.Test.LatencyP50Ms:F2} / {p.Test.LatencyP90Ms:F2} |{(grpc ? Grpc(p.ViaGrpc!) : string.Empty)}"
            );
        }

        text.AppendLine();
        text.AppendLine(c, $"Chosen on the validation carve: quota scale {report.ChosenScale} ({report.Rule}).");
        text.AppendLine();
        text.AppendLine("References (independent of the candidate count):");
        text.AppendLine();
        text.AppendLine(
            c,
            $"| model | nDCG@{k} (val) | nDCG@{k} (test) | MAP (test) | coverage (test) | top-1 % share (test) |"
        );
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var (name, test) in report.TestReferences)
        {
            var validation = report.ValidationReferences.TryGetValue(name, out var v)
                ? v[$"ndcg@{k}"].ToString("F4", c)
                : "–";
            text.AppendLine(
                c,
                $"| {name} | {validation} | {test[$"ndcg@{k}"]:F4} | {test[$"map@{k}"]:F4} | {test["coverage"]:F3} | {test[ProtocolEvaluator.TopShare]:F3} |"
            );
        }
        if (grpc)
        {
            text.AppendLine();
            text.AppendLine(
                "Via gRPC: retrieval, ranking and gateway as three processes on loopback, one Recommend at a time per test user, timed on the client to the end of the stream."
            );
        }

        return text.ToString();
    }

    private static string Grpc(ServedMeasurement m) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $" {m.LatencyP50Ms:F2} / {m.LatencyP90Ms:F2} / {m.LatencyP99Ms:F2} | {m.ListsDiffering} of {m.Requests} |"
        );
}
