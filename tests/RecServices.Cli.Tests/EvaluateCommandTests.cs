using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RecServices.Cli.Tests;

/// <summary>
/// recs evaluate and sweep on real files: metrics, lists and charts written, given splits honoured, bad files named
/// with their line, lists over gRPC equal to in process.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class EvaluateCommandTests
{
    [Fact]
    public async Task Evaluate_CsvDataset_WritesMetricsTableAndListsWithDatasetIds()
    {
        using var dir = new TempDirectory();
        var data = Directory.CreateDirectory(Path.Combine(dir.Path, "data")).FullName;
        CsvRatings.Write(data, users: 60, items: 50);
        var outDir = Path.Combine(dir.Path, "eval");

        var result = await Recs.RunAsync("evaluate", "--data", data, "--out", outDir, "--epochs", "2");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("| served two-stage |", result.Output);
        Assert.Contains("| popularity |", result.Output);
        Assert.Contains("| EASE (yardstick) |", result.Output);
        Assert.Contains("top-1 % share", result.Output);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        Assert.Equal("ms-stratified-75", metrics.RootElement.GetProperty("protocol").GetString());
        var lines = File.ReadAllLines(Path.Combine(outDir, "lists.jsonl"));
        Assert.Equal(metrics.RootElement.GetProperty("users").GetInt32(), lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        // The dataset's own ids: users 1..60 and movies 1..50 of ratings.csv.
        Assert.InRange(
            int.Parse(first.RootElement.GetProperty("user").GetString()!, CultureInfo.InvariantCulture),
            1,
            60
        );
        Assert.All(
            first.RootElement.GetProperty("items").EnumerateArray(),
            i => Assert.InRange(int.Parse(i.GetString()!, CultureInfo.InvariantCulture), 1, 50)
        );
        Assert.True(File.Exists(Path.Combine(outDir, "metrics.md")));
    }

    [Fact]
    public async Task Evaluate_ColdItems_TrainsWithoutThemAndReportsHowTheServedListsPlaceThem()
    {
        using var dir = new TempDirectory();
        var data = Directory.CreateDirectory(Path.Combine(dir.Path, "data")).FullName;
        CsvRatings.Write(data, users: 60, items: 50);
        var outDir = Path.Combine(dir.Path, "cold");

        var result = await Recs.RunAsync(
            "evaluate",
            "--data",
            data,
            "--out",
            outDir,
            "--epochs",
            "2",
            "--cold-items",
            "0.2"
        );
        var refused = await Recs.RunAsync("evaluate", "--data", data, "--out", outDir, "--cold-items", "1.5");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("cold items: 10 of 50 taken out with", result.Output);
        Assert.Contains("| slots holding a cold item |", result.Output);
        Assert.Contains("| random placement |", result.Output);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "cold-items.json")));
        var root = report.RootElement;
        Assert.Equal((10, 50), (root.GetProperty("coldItems").GetInt32(), root.GetProperty("items").GetInt32()));
        Assert.InRange(root.GetProperty("servedColdSlotShare").GetDouble(), 0, 1);
        Assert.True(root.GetProperty("usersWithColdTestItems").GetInt32() > 0);
        Assert.Equal(3, root.GetProperty("coldOnlyRecall").EnumerateObject().Count());
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--cold-items must be above 0 and below 1", refused.Error);
    }

    [Fact]
    public async Task Evaluate_GivenSplitFiles_ReplaceTheProtocolSplit()
    {
        using var dir = new TempDirectory();
        var data = Directory.CreateDirectory(Path.Combine(dir.Path, "data")).FullName;
        CsvRatings.Write(data, users: 60, items: 50);
        var rows = File.ReadAllLines(Path.Combine(data, "ratings.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var train = dir.Write(
            "u1.base",
            string.Concat(rows.Where((_, i) => i % 5 != 0).Select(r => $"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\n"))
        );
        var test = dir.Write(
            "u1.test",
            string.Concat(rows.Where((_, i) => i % 5 == 0).Select(r => $"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\n"))
        );

        var result = await Recs.RunAsync(
            "evaluate",
            "--data",
            data,
            "--train",
            train,
            "--test",
            test,
            "--out",
            Path.Combine(dir.Path, "eval"),
            "--epochs",
            "1"
        );

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("given split (u1.base / u1.test)", result.Output);
        Assert.Contains(
            $"{rows.Count - (rows.Count + 4) / 5} train and {(rows.Count + 4) / 5} test ratings",
            result.Output
        );
    }

    [Fact]
    public async Task Evaluate_SplitFileWithUnknownItem_NamesFileAndLine()
    {
        using var dir = new TempDirectory();
        var data = Directory.CreateDirectory(Path.Combine(dir.Path, "data")).FullName;
        CsvRatings.Write(data, users: 10, items: 10);
        var train = dir.Write("train.tsv", "1\t1\t4\t100\n1\t999\t4\t100\n");
        var test = dir.Write("test.tsv", "1\t2\t4\t100\n");

        var result = await Recs.RunAsync(
            "evaluate",
            "--data",
            data,
            "--train",
            train,
            "--test",
            test,
            "--out",
            Path.Combine(dir.Path, "eval")
        );

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("train.tsv:2: item 999 is not in the dataset", result.Error);
    }

    [Fact]
    public async Task Evaluate_MovieLens1MFormat_RunsThroughTheSameCommand()
    {
        using var dir = new TempDirectory();
        var data = Directory.CreateDirectory(Path.Combine(dir.Path, "ml-1m")).FullName;
        var rng = new Random(9);
        File.WriteAllText(
            Path.Combine(data, "movies.dat"),
            string.Concat(
                Enumerable
                    .Range(1, 40)
                    .Select(m => $"{m}::Film {m} ({1990 + (m % 20)})::{(m % 2 == 0 ? "Drama" : "Comedy|Romance")}\n")
            ),
            Encoding.Latin1
        );
        File.WriteAllText(
            Path.Combine(data, "users.dat"),
            string.Concat(
                Enumerable
                    .Range(1, 50)
                    .Select(u => $"{u}::{(u % 2 == 0 ? "F" : "M")}::25::{u % 20}::{10000 + (u * 1000)}\n")
            )
        );
        var ratings = new StringBuilder();
        for (var u = 1; u <= 50; u++)
        {
            foreach (var m in Enumerable.Range(1, 40).Where(_ => rng.NextDouble() < 0.4))
            {
                ratings.Append(
                    CultureInfo.InvariantCulture,
                    $"{u}::{m}::{1 + rng.Next(5)}::{978_300_000 + (u * 100) + m}\n"
                );
            }
        }

        File.WriteAllText(Path.Combine(data, "ratings.dat"), ratings.ToString());

        var result = await Recs.RunAsync(
            "evaluate",
            "--data",
            data,
            "--out",
            Path.Combine(dir.Path, "eval"),
            "--epochs",
            "1"
        );

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("movielens-1m, protocol ms-stratified-75", result.Output);
        Assert.Contains("| served two-stage |", result.Output);
    }

    [Fact]
    public async Task Evaluate_UnknownProtocol_ExitsOneNamingTheSupportedOne()
    {
        using var dir = new TempDirectory();

        var result = await Recs.RunAsync(
            "evaluate",
            "--data",
            "synthetic",
            "--out",
            dir.Path,
            "--protocol",
            "leave-one-out"
        );

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("supported: ms-stratified-75", result.Error);
    }
}
