using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Training.Bundling;
using RecServices.Training.Evaluation;
using RecServices.Training.Model;

namespace RecServices.Cli.Commands;

/// <summary><c>recs sweep --data &lt;folder&gt; --out &lt;dir&gt;</c>: quality and latency against the candidate count, and the default chosen on validation.</summary>
public static class SweepCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var data = new Option<string>("--data") { Description = "A dataset folder of a supported format, or 'synthetic'.", Required = true };
        var outDir = new Option<string>("--out") { Description = "Directory for sweep.json, sweep.md and sweep.png.", Required = true };
        var scales = new Option<double[]>("--scales") { Description = "Quota scales to try (every candidate source's quota multiplied).", DefaultValueFactory = _ => [.. CandidateSweep.DefaultScales], AllowMultipleArgumentsPerToken = true };
        var epochs = new Option<int>("--epochs") { Description = "Most training epochs.", DefaultValueFactory = _ => new TrainingOptions().Epochs };
        var command = new Command("sweep", "Measure served quality, retrieval recall and latency at several candidate counts; choose the default on a validation carve.")
        {
            data, outDir, scales, epochs,
        };
        command.SetAction(parse => CommandErrors.Run(error, () =>
        {
            var values = parse.GetValue(scales)!;
            if (values.Length == 0 || values.Any(v => v is <= 0 or > 1000))
            {
                throw new ArgumentException("--scales must be one or more numbers in (0, 1000]");
            }

            var build = new BuildOptions { Training = new TrainingOptions { Epochs = parse.GetValue(epochs) } };
            build.Training.Validate();
            var dataset = DataSource.Load(parse.GetValue(data)!, new SyntheticOptions(), output);
            var directory = Path.GetFullPath(parse.GetValue(outDir)!);
            Directory.CreateDirectory(directory);
            var report = new CandidateSweep(build, line => output.WriteLine(line)).Run(dataset, directory, values.Order().ToArray());
            File.WriteAllText(Path.Combine(directory, "sweep.json"), JsonSerializer.Serialize(report, BundleJson.Options));
            var table = Markdown(report);
            File.WriteAllText(Path.Combine(directory, "sweep.md"), table);
            SweepChart.Write(report, Path.Combine(directory, "sweep.png"));
            output.WriteLine(table);
            return 0;
        }));
        return command;
    }

    public static string Markdown(SweepReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var k = report.K;
        var text = new StringBuilder();
        text.AppendLine(c, $"{report.Dataset}, protocol {report.Protocol}: served two-stage pipeline against the candidate budget");
        text.AppendLine();
        text.AppendLine(c, $"| quota scale | candidates | retrieval recall (val) | nDCG@{k} (val) | candidates (test) | retrieval recall (test) | nDCG@{k} (test) | MAP (test) | p50 / p90 latency (ms, in process) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var p in report.Points)
        {
            var mark = p.QuotaScale == report.ChosenScale ? " **(chosen)**" : string.Empty;
            text.AppendLine(c,
                $"| {p.QuotaScale}{mark} | {p.Validation.MeanCandidates:F0} | {p.Validation.RetrievalRecall:F4} | {CandidateSweep.Ndcg(p.Validation, k):F4} | {p.Test.MeanCandidates:F0} | {p.Test.RetrievalRecall:F4} | {CandidateSweep.Ndcg(p.Test, k):F4} | {p.Test.Rows[ProtocolEvaluator.Served][$"map@{k}"]:F4} | {p.Test.LatencyP50Ms:F2} / {p.Test.LatencyP90Ms:F2} |");
        }

        text.AppendLine();
        text.AppendLine(c, $"Chosen on the validation carve: quota scale {report.ChosenScale} ({report.Rule}).");
        return text.ToString();
    }
}
