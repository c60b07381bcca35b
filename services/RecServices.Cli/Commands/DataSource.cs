using System.Diagnostics;
using System.Globalization;
using RecServices.Core.Data;
using RecServices.Datasets;

namespace RecServices.Cli.Commands;

/// <summary>
/// Turns the <c>--data</c> argument into a dataset: a folder (the table format of docs/data.md, or a MovieLens
/// layout, detected) or "synthetic".
/// </summary>
public static class DataSource
{
    public const string Synthetic = "synthetic";

    public static async Task<Dataset> LoadAsync(
        string data,
        SyntheticOptions synthetic,
        bool strict,
        TextWriter log,
        CancellationToken cancellationToken
    )
    {
        if (string.Equals(data, Synthetic, StringComparison.OrdinalIgnoreCase))
        {
            if (strict)
            {
                throw new ArgumentException("--strict applies to a dataset folder, not to synthetic data");
            }

            log.WriteLine(
                $"generating synthetic data: {synthetic.Users} users, {synthetic.Items} items, "
                    + $"~{synthetic.Interactions} interactions (seed {synthetic.Seed})"
            );
            var clock = Stopwatch.StartNew();
            var generated = SyntheticDataset.Generate(synthetic);
            log.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"generated {generated.Interactions.Count} interactions: {clock.Elapsed.TotalSeconds:F1} s"
                )
            );
            return generated;
        }

        log.WriteLine($"loading {data}");
        var watch = Stopwatch.StartNew();
        var (dataset, report) = await DatasetReader.LoadAsync(data, strict, cancellationToken);
        log.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"loaded {dataset.Name}: {dataset.Users.Count} users, {dataset.Items.Count} items, "
                    + $"{dataset.Interactions.Count} interactions, {dataset.Categories.Count} categories: "
                    + $"{watch.Elapsed.TotalSeconds:F1} s"
            )
        );
        if (report is { InteractionsWithUnknownItems: > 0 })
        {
            var (rows, items) = (report.InteractionsWithUnknownItems, report.ItemsWithoutMetadata);
            log.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{rows} interactions name an item the items table lacks: {items} items kept without metadata"
                ) + " (--strict refuses them; 'recs data check' says more)"
            );
        }

        return dataset;
    }
}
