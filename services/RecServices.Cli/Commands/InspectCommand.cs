using System.CommandLine;
using System.Globalization;
using RecServices.Core.Bundles;

namespace RecServices.Cli.Commands;

/// <summary>
/// <c>recs inspect &lt;bundle&gt;</c>: prints the manifest's summary and verifies every checksum and table (of a
/// bundle root's current version, or of a bundle directory).
/// </summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var bundle = new Argument<string>("bundle")
        {
            Description =
                "A bundle root (its current version is inspected) or a bundle directory (e.g. "
                + "<root>/versions/<version>).",
        };
        var command = new Command(
            "inspect",
            "Print a bundle's manifest summary and verify every file (non-zero exit when anything is wrong)."
        )
        {
            bundle,
        };
        command.SetAction(parse => CommandErrors.Run(error, () => Inspect(parse.GetValue(bundle)!, output, error)));
        return command;
    }

    private static int Inspect(string path, TextWriter output, TextWriter error)
    {
        var directory = new BundleRoot(path).ServedDirectory();
        var manifest = Bundle.ReadManifest(directory);
        PrintSummary(manifest, output);
        output.WriteLine("files:");
        var failures = 0;
        foreach (var (name, problem) in Bundle.VerifyFiles(directory, manifest))
        {
            output.WriteLine(
                $"  {(problem is null ? "ok    " : "FAILED")} {name}{(problem is null ? string.Empty : ": " + problem)}"
            );
            failures += problem is null ? 0 : 1;
        }

        if (failures > 0)
        {
            error.WriteLine($"error: {failures} file(s) failed verification");
            return 1;
        }

        Bundle.Load(directory);
        output.WriteLine("tables: ok (every table read and validated)");
        return 0;
    }

    public static void PrintSummary(BundleManifest m, TextWriter output)
    {
        var t = m.Training;
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"bundle      {m.Version} (format {m.FormatVersion}, created {m.CreatedAt.ToString("u", c)})");
        output.WriteLine($"dataset     {m.Dataset.Name}  fingerprint {m.Dataset.Fingerprint[..16]}…");
        output.WriteLine(
            $"            {m.Dataset.Users} users, {m.Dataset.Items} items, {m.Dataset.Interactions} "
                + $"interactions ({m.Dataset.TrainInteractions} train, {m.Dataset.ValidationInteractions} "
                + $"validation)"
        );
        output.WriteLine(
            $"towers      history emb {m.Towers.HistoryEmbedding}, item emb {m.Towers.ItemEmbedding}, "
                + $"hidden {m.Towers.Hidden}, V {m.Towers.Output}; {m.Schema.UserFeatureNames.Count} user / "
                + $"{m.Schema.ItemFeatureNames.Count} item features; history {m.Schema.HistoryLength}"
        );
        output.WriteLine($"item-item   K = {m.SimilarItemsK}, {m.SimilarItemsIndex}");
        output.WriteLine(
            $"training    {t.Loss}; best epoch {t.BestEpoch} of {t.Epochs.Count}; "
                + $"{t.TrainingSeconds.ToString("F1", c)} s training, {t.TotalSeconds.ToString("F1", c)} s in "
                + $"all"
        );
        var kept = t.Search.LastOrDefault(x => x.Won);
        foreach (var trial in t.Search)
        {
            output.WriteLine(
                string.Create(
                    c,
                    $"search      trial {trial.Number}{(trial == kept ? " (kept)" : string.Empty)}: "
                        + $"{trial.Change}: validation ndcg@10 {trial.ValidationNdcg:F4}, epoch "
                        + $"{trial.BestEpoch} of {trial.EpochsRun}, {trial.Seconds:F0} s"
                )
            );
        }

        output.WriteLine(
            t.PopularityPenalty == 0 && t.PenaltyTrials.Count == 0
                ? "score       V_u · V_m"
                : string.Create(
                    c,
                    $"score       V_u · V_m − {t.PopularityPenalty} · log(1 + item's train interactions) "
                        + $"(the vectors' last "
                        + $"component){(t.PenaltyTrials.Count > 0 ? ", β chosen on validation" : string.Empty)}"
                )
        );
        foreach (var trial in t.PenaltyTrials)
        {
            output.WriteLine(
                string.Create(
                    c,
                    $"penalty     β {trial.Beta}{(trial.Chosen ? " (chosen)" : string.Empty)}: validation "
                        + $"ndcg@10 {trial.ValidationNdcg:F4}, coverage {trial.Coverage:F3}"
                )
            );
        }

        output.WriteLine($"validation  {Metrics(t.Validation, c)}");
        output.WriteLine($"popularity  {Metrics(t.PopularityValidation, c)}");
        output.WriteLine($"onnx parity max relative difference {t.OnnxParityMaxError.ToString("E2", c)}");
    }

    private static string Metrics(IReadOnlyDictionary<string, double> metrics, CultureInfo c) =>
        string.Join(
            "  ",
            metrics.Select(p =>
                p.Key is "users" or "covered_items"
                    ? $"{p.Key} {p.Value.ToString("F0", c)}"
                    : $"{p.Key} {p.Value.ToString("F4", c)}"
            )
        );
}
