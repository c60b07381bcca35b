using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RecServices.Core.Bundles;
using RecServices.Evaluation;
using RecServices.Training.Model;

namespace RecServices.Cli.Commands;

/// <summary>
/// <c>recs sweep --data &lt;folder&gt; --out &lt;dir&gt;</c>: quality and latency against the candidate count, and
/// the default chosen on validation.
/// </summary>
public static class SweepCommand
{
    public static Command Create(TextWriter output, TextWriter error) => Create(output, error, servedProbe: null);

    /// <summary>
    /// The sweep; with a <paramref name="servedProbe"/> (recs-lab's, which starts the three hosts) it also takes
    /// <c>--via-grpc</c>.
    /// </summary>
    public static Command Create(TextWriter output, TextWriter error, Func<Action<string>, IServedProbe>? servedProbe)
    {
        var options = new SweepOptions();
        return CommandDefinition.Of(
            "sweep",
            "Measure served quality, retrieval recall and latency at several candidate counts; choose "
                + "the default on a validation carve.",
            servedProbe is null ? options.All : [.. options.All, options.ViaGrpc],
            error,
            (parse, cancellationToken) => ExecuteAsync(parse, options, servedProbe, output, cancellationToken)
        );
    }

    /// <summary>Runs the sweep over the split and writes sweep.json, sweep.md and the chart.</summary>
    private static async Task<int> ExecuteAsync(
        ParseResult parse,
        SweepOptions o,
        Func<Action<string>, IServedProbe>? servedProbe,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var values = parse.GetValue(o.Scales)!;
        if (values.Length == 0 || values.Any(v => v is <= 0 or > 1000))
        {
            throw new ArgumentException("--scales must be one or more numbers in (0, 1000]");
        }

        var embeddingQuota = EmbeddingQuotaOption.Read(parse.GetValue(o.Embedding));
        var (build, dataset, directory) = await EvaluationRun.PrepareAsync(
            parse.GetValue(o.Epochs),
            new TrainingOptions().ItemIdDropout,
            parse.GetValue(o.Search),
            parse.GetValue(o.Penalty)!,
            parse.GetValue(o.Data)!,
            parse.GetValue(o.OutDir)!,
            output,
            cancellationToken
        );
        void Log(string line) => output.WriteLine(line);
        var probe = servedProbe is not null && parse.GetValue(o.ViaGrpc) ? servedProbe(Log) : null;
        var report = await new CandidateSweep(build, Log, embeddingQuota).RunAsync(
            dataset,
            directory,
            values.Order().ToArray(),
            probe,
            cancellationToken: cancellationToken
        );
        File.WriteAllText(Path.Combine(directory, "sweep.json"), JsonSerializer.Serialize(report, BundleJson.Options));
        var table = Markdown(report);
        File.WriteAllText(Path.Combine(directory, "sweep.md"), table);
        SweepChart.Write(report, Path.Combine(directory, "sweep.png"));
        output.WriteLine(table);
        return 0;
    }

    public static string Markdown(SweepReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var k = report.K;
        var text = new StringBuilder();
        var embedding =
            report.EmbeddingQuota > 0
                ? string.Create(c, $", with the embedding source's {report.EmbeddingQuota} items at every scale")
                : string.Empty;
        text.AppendLine(
            c,
            $"{report.Dataset}, protocol {report.Protocol}: served two-stage pipeline against the candidate "
                + $"budget{embedding}"
        );
        text.AppendLine();
        var grpc = report.Points.All(p => p.ViaGrpc is not null);
        text.AppendLine(
            c,
            $"| quota scale | candidates | retrieval recall (val) | nDCG@{k} (val) | candidates (test) | "
                + $"retrieval recall (test) | nDCG@{k} (test) | MAP (test) | p50 / p90 latency (ms, in process) "
                + $"|{(grpc ? " p50 / p90 / p99 latency (ms, via gRPC) | lists ≠ in process |" : string.Empty)}"
        );
        text.AppendLine(
            grpc ? "|---|---|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|---|"
        );
        foreach (var p in report.Points)
        {
            var mark = p.QuotaScale == report.ChosenScale ? " **(chosen)**" : string.Empty;
            text.AppendLine(
                c,
                $"| {p.QuotaScale}{mark} | {p.Validation.MeanCandidates:F0} | "
                    + $"{p.Validation.RetrievalRecall:F4} | {CandidateSweep.Ndcg(p.Validation, k):F4} | "
                    + $"{p.Test.MeanCandidates:F0} | {p.Test.RetrievalRecall:F4} | "
                    + $"{CandidateSweep.Ndcg(p.Test, k):F4} | "
                    + $"{p.Test.Rows[ProtocolEvaluator.Served][$"map@{k}"]:F4} | {p.Test.LatencyP50Ms:F2} / "
                    + $"{p.Test.LatencyP90Ms:F2} |{(grpc ? Grpc(p.ViaGrpc!) : string.Empty)}"
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
                $"| {name} | {validation} | {test[$"ndcg@{k}"]:F4} | {test[$"map@{k}"]:F4} | "
                    + $"{test["coverage"]:F3} | {test[ProtocolEvaluator.TopShare]:F3} |"
            );
        }
        if (grpc)
        {
            text.AppendLine();
            text.AppendLine(
                "Via gRPC: retrieval, ranking and gateway as three processes on loopback, one Recommend "
                    + "at a time per test user, timed on the client to the end of the stream."
            );
        }

        return text.ToString();
    }

    private static string Grpc(ServedMeasurement m) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $" {m.LatencyP50Ms:F2} / {m.LatencyP90Ms:F2} / {m.LatencyP99Ms:F2} | {m.ListsDiffering} of {m.Requests} |"
        );

    /// <summary>The command's options.</summary>
    private sealed class SweepOptions
    {
        public Option<string> Data { get; } =
            new("--data") { Description = "A dataset folder of a supported format, or 'synthetic'.", Required = true };
        public Option<string> OutDir { get; } =
            new("--out") { Description = "Directory for sweep.json, sweep.md and sweep.png.", Required = true };
        public Option<double[]> Scales { get; } =
            new("--scales")
            {
                Description = "Quota scales to try (every candidate source's quota multiplied).",
                DefaultValueFactory = _ => [.. CandidateSweep.DefaultScales],
                AllowMultipleArgumentsPerToken = true,
            };
        public Option<int> Epochs { get; } =
            new("--epochs")
            {
                Description = "Most training epochs.",
                DefaultValueFactory = _ => new TrainingOptions().Epochs,
            };
        public Option<bool> ViaGrpc { get; } =
            new("--via-grpc")
            {
                Description =
                    "Also measure every scale through the three services, started as processes on loopback "
                    + "over the test bundle: latency per Recommend over gRPC, lists compared with in process.",
            };
        public Option<int> Search { get; } = SearchOption.Create();
        public Option<string> Penalty { get; } = PopularityPenaltyOption.Create();
        public Option<int> Embedding { get; } = EmbeddingQuotaOption.Create();

        /// <summary>Every option but <see cref="ViaGrpc"/>, which only recs-lab's sweep takes.</summary>
        public Option[] All => [Data, OutDir, Scales, Embedding, Epochs, Search, Penalty];
    }
}
