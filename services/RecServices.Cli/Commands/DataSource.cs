using System.Diagnostics;
using System.Globalization;
using RecServices.Core.Data;

namespace RecServices.Cli.Commands;

/// <summary>Turns the <c>--data</c> argument into a dataset: a folder of a supported format, or "synthetic".</summary>
public static class DataSource
{
    public const string Synthetic = "synthetic";

    public static Dataset Load(string data, SyntheticOptions synthetic, TextWriter log)
    {
        if (string.Equals(data, Synthetic, StringComparison.OrdinalIgnoreCase))
        {
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
        var dataset = DatasetLoader.Load(data);
        log.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"loaded {dataset.Name}: {dataset.Users.Count} users, {dataset.Items.Count} items, "
                    + $"{dataset.Interactions.Count} interactions, {dataset.Genres.Count} genres: "
                    + $"{watch.Elapsed.TotalSeconds:F1} s"
            )
        );
        return dataset;
    }
}
