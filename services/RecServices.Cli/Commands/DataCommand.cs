using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RecServices.Core.Data;
using RecServices.Datasets;

namespace RecServices.Cli.Commands;

/// <summary>
/// <c>recs data check &lt;folder&gt; [--strict]</c>: reads and validates a dataset without training and prints what to
/// see before an hour of training. <c>recs data convert &lt;movielens folder | synthetic&gt; --out &lt;folder&gt;
/// [--format parquet|csv]</c>: writes a dataset in the table format of docs/data.md.
/// </summary>
internal static class DataCommand
{
    /// <summary><c>--strict</c>, shared by <c>recs data check</c> and <c>recs train</c>.</summary>
    public static Option<bool> StrictOption() =>
        new("--strict")
        {
            Description =
                "Refuse interactions whose item is not in the items table (by default they are counted and the "
                + "items kept without metadata).",
        };

    public static Command Create(TextWriter output, TextWriter error) =>
        new("data", "Check a dataset, or convert one into the table format (docs/data.md).")
        {
            Check(output, error),
            Convert(output, error),
        };

    private static Command Check(TextWriter output, TextWriter error)
    {
        var folder = new Argument<string>("folder") { Description = "The dataset folder (table format or MovieLens)." };
        var strict = StrictOption();
        var command = new Command(
            "check",
            "Read and validate a dataset without training: rows per table, users, items, categories, countries, "
                + "interactions per kind, time span, items without metadata, interactions with unknown items."
        )
        {
            folder,
            strict,
        };
        command.SetAction(
            (parse, cancellationToken) =>
                CommandErrors.RunAsync(
                    error,
                    () => CheckAsync(parse.GetValue(folder)!, parse.GetValue(strict), output, cancellationToken)
                )
        );
        return command;
    }

    private static async Task<int> CheckAsync(
        string folder,
        bool strict,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var clock = Stopwatch.StartNew();
        var (dataset, report) = await DatasetReader.LoadAsync(folder, strict, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"{dataset.Name}: {(report is null ? "MovieLens layout" : "table format (docs/data.md)")}");
        foreach (var line in report?.Lines(dataset) ?? MovieLensLines(dataset))
        {
            output.WriteLine(line);
        }

        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"read in {seconds:F1} s, peak RSS {PeakRss() / 1e9:F2} GB; fingerprint {dataset.Fingerprint()}"
            )
        );
        output.WriteLine("ok: the dataset can be trained on ('recs train --data <folder>')");
        return 0;
    }

    private static IEnumerable<string> MovieLensLines(Dataset dataset)
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Create(c, $"users: {dataset.Users.Count:N0}; items: {dataset.Items.Count:N0}");
        yield return string.Create(c, $"categories: {dataset.Categories.Count:N0}");
        yield return string.Create(c, $"interactions: {dataset.Interactions.Count:N0}");
    }

    /// <summary>The process's peak resident set (VmHWM), 0 where /proc is not there.</summary>
    private static long PeakRss()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return 0;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kilobytes is null ? 0 : long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
    }

    private static Command Convert(TextWriter output, TextWriter error)
    {
        var synthetic = new SyntheticOptions();
        var source = new Argument<string>("source")
        {
            Description = "A MovieLens folder, a table-format folder, or 'synthetic' (sized by the options below).",
        };
        var outDir = new Option<string>("--out") { Description = "The new dataset folder.", Required = true };
        var format = new Option<string>("--format")
        {
            Description = "parquet or csv.",
            DefaultValueFactory = _ => "parquet",
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of synthetic data.",
            DefaultValueFactory = _ => synthetic.Seed,
        };
        var users = new Option<int>("--synthetic-users")
        {
            Description = "Synthetic data: users.",
            DefaultValueFactory = _ => synthetic.Users,
        };
        var items = new Option<int>("--synthetic-items")
        {
            Description = "Synthetic data: items.",
            DefaultValueFactory = _ => synthetic.Items,
        };
        var interactions = new Option<long>("--synthetic-interactions")
        {
            Description = "Synthetic data: interactions (at most 100M).",
            DefaultValueFactory = _ => synthetic.Interactions,
        };
        var command = new Command(
            "convert",
            "Write a MovieLens or synthetic dataset in the table format (docs/data.md)."
        )
        {
            source,
            outDir,
            format,
            seed,
            users,
            items,
            interactions,
        };
        command.SetAction(
            (parse, cancellationToken) =>
                CommandErrors.RunAsync(
                    error,
                    async () =>
                    {
                        var parquet = parse.GetValue(format) switch
                        {
                            "parquet" => true,
                            "csv" => false,
                            var other => throw new ArgumentException($"--format must be parquet or csv, not '{other}'"),
                        };
                        var options = synthetic with
                        {
                            Seed = parse.GetValue(seed),
                            Users = parse.GetValue(users),
                            Items = parse.GetValue(items),
                            Interactions = parse.GetValue(interactions),
                        };
                        var dataset = await DataSource.LoadAsync(
                            parse.GetValue(source)!,
                            options,
                            false,
                            output,
                            cancellationToken
                        );
                        var target = parse.GetValue(outDir)!;
                        var clock = Stopwatch.StartNew();
                        await TableDatasetWriter.WriteAsync(dataset, target, parquet, cancellationToken);
                        output.WriteLine(
                            string.Create(
                                CultureInfo.InvariantCulture,
                                $"wrote {dataset.Name} to {target} ({(parquet ? "Parquet" : "CSV")}): "
                                    + $"{clock.Elapsed.TotalSeconds:F1} s; fingerprint {dataset.Fingerprint()}"
                            )
                        );
                        return 0;
                    }
                )
        );
        return command;
    }
}
