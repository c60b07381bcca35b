using System.Text.Json;
using RecServices.Core.Bundles;

namespace RecServices.Cli.Tests;

/// <summary>
/// recs data check and convert, and the table format through recs train: what check prints before training, bad data
/// refused naming the file and line, a conversion that reads back as the same dataset, and MovieLens 100K converted to
/// Parquet and to CSV training the same bundle as the MovieLens loader.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class DataCommandTests
{
    [Fact]
    public async Task Check_Example_PrintsWhatToSeeBeforeTraining()
    {
        var result = await Recs.RunAsync("data", "check", SongsDataset.ExampleFolder()!, "--strict");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("interactions: 8,207 rows (CSV, interactions.csv)", result.Output);
        Assert.Contains("users: 400 (400 in the users table, 0 only in the interactions); countries: 8", result.Output);
        Assert.Contains("items: 300 (300 in the items table, 0 without metadata", result.Output);
        Assert.Contains("categories: 12 (classical, electronic, folk,", result.Output);
        Assert.Contains("columns ignored: plan", result.Output);
        Assert.Contains("item feature artist: categorical, 60 distinct values", result.Output);
        Assert.Matches(
            @"interactions: 8,207; by kind: watched [\d,]+, purchased [\d,]+, rated [\d,]+; [\d,]+ rows with a count",
            result.Output
        );
        Assert.Contains("time span: 2025-01-01", result.Output);
        Assert.Contains("interactions with an item not in the items table: 0", result.Output);
        Assert.Contains("ok: the dataset can be trained on", result.Output);
    }

    [Fact]
    public async Task Check_BadRow_ExitsOneNamingFileLineAndColumn()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("interactions.csv", "user_id,item_id,timestamp\nu1,a,2024-01-01T00:00:00Z\nu2,b,soon\n");

        var result = await Recs.RunAsync("data", "check", dir.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: {path}: line 3, column 'timestamp': expected a timestamp", result.Error);
    }

    [Fact]
    public async Task Convert_SyntheticToParquetAndCsv_ChecksWithTheSameFingerprint()
    {
        using var dir = new TempDirectory();
        string[] size = ["--synthetic-users", "120", "--synthetic-items", "150", "--synthetic-interactions", "3000"];
        var fingerprints = new List<string>();
        foreach (var format in new[] { "parquet", "csv" })
        {
            var folder = Path.Combine(dir.Path, format);
            var convert = await Recs.RunAsync([
                "data",
                "convert",
                "synthetic",
                "--out",
                folder,
                "--format",
                format,
                .. size,
            ]);
            var check = await Recs.RunAsync("data", "check", folder);

            Assert.True(convert.ExitCode == 0, convert.Error);
            Assert.True(check.ExitCode == 0, check.Error);
            var written = Fingerprint(convert.Output);
            Assert.Equal(written, Fingerprint(check.Output));
            fingerprints.Add(written);
        }

        Assert.True(File.Exists(Path.Combine(dir.Path, "parquet", "interactions.parquet")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "csv", "interactions.csv")));
        Assert.Equal(fingerprints[0], fingerprints[1]);
    }

    [Fact]
    public async Task Convert_IntoAFolderThatIsNotEmpty_Refused()
    {
        using var dir = new TempDirectory();
        dir.Write("keep.txt", "x");

        var result = await Recs.RunAsync("data", "convert", "synthetic", "--out", dir.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not empty", result.Error);
        Assert.True(File.Exists(Path.Combine(dir.Path, "keep.txt")));
    }

    [Fact]
    public async Task Evaluate_SongsExample_ShowsTheServedModelBesideEaseAndPopularity()
    {
        using var dir = new TempDirectory();
        var outDir = Path.Combine(dir.Path, "eval");

        var result = await Recs.RunAsync(
            "evaluate",
            "--data",
            SongsDataset.ExampleFolder()!,
            "--out",
            outDir,
            "--epochs",
            "3",
            "--search-trials",
            "1"
        );

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("songs, protocol ms-stratified-75", result.Output);
        Assert.Matches(@"\| served two-stage \| 0\.\d{4} \| 0\.\d{4} \|", result.Output);
        Assert.Matches(@"\| EASE \(yardstick\) \| 0\.\d{4} \| 0\.\d{4} \|", result.Output);
        Assert.Matches(@"\| popularity \| 0\.\d{4} \| 0\.\d{4} \|", result.Output);
        var first = JsonDocument.Parse(File.ReadLines(Path.Combine(outDir, "lists.jsonl")).First()).RootElement;
        Assert.StartsWith("l", first.GetProperty("user").GetString(), StringComparison.Ordinal);
        Assert.All(first.GetProperty("items").EnumerateArray(), i => Assert.Matches(@"^s\d{4}$", i.GetString()));
    }

    [MovieLensFact]
    public async Task Train_MovieLens100KConverted_SameFingerprintValidationAndTablesAsTheMovieLensLoader()
    {
        using var dir = new TempDirectory();
        string[] training = ["--epochs", "1", "--dim", "16", "--no-search", "--no-refit", "--popularity-penalty", "0"];
        var sources = new List<string> { MovieLensData.Folder100K };
        foreach (var format in new[] { "parquet", "csv" })
        {
            var folder = Path.Combine(dir.Path, format);
            var convert = await Recs.RunAsync(
                "data",
                "convert",
                MovieLensData.Folder100K,
                "--out",
                folder,
                "--format",
                format
            );
            Assert.True(convert.ExitCode == 0, convert.Error);
            sources.Add(folder);
        }

        var manifests = new List<BundleManifest>();
        foreach (var (source, i) in sources.Select((s, i) => (s, i)))
        {
            var root = Path.Combine(dir.Path, "bundle" + i);
            var train = await Recs.RunAsync(["train", "--data", source, "--out", root, .. training]);
            Assert.True(train.ExitCode == 0, train.Error);
            manifests.Add(Bundle.Load(new BundleRoot(root).ServedDirectory(), BundleParts.Core).Manifest);
        }

        var reference = manifests[0];
        foreach (var manifest in manifests.Skip(1))
        {
            Assert.Equal(reference.Dataset.Fingerprint, manifest.Dataset.Fingerprint);
            Assert.Equal(
                JsonSerializer.Serialize(reference.Training.Validation),
                JsonSerializer.Serialize(manifest.Training.Validation)
            );
            // The same user tower, item vectors, item-item table, top lists and catalog: the same lists are served.
            foreach (
                var file in new[]
                {
                    Bundle.UserTowerFile,
                    ItemVectors.FileName,
                    SimilarItems.FileName,
                    TopLists.FileName,
                    ItemCatalog.FileName,
                }
            )
            {
                Assert.Equal(Sha(reference, file), Sha(manifest, file));
            }
        }
    }

    private static string Sha(BundleManifest manifest, string file) =>
        manifest.Files.Single(f => f.Name == file).Sha256;

    private static string Fingerprint(string output) =>
        System.Text.RegularExpressions.Regex.Match(output, "fingerprint ([0-9a-f]{64})").Groups[1].Value;
}
