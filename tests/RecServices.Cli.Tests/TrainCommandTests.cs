using System.Text.Json;
using RecServices.Core.Bundles;

namespace RecServices.Cli.Tests;

/// <summary>
/// recs train and inspect: a bundle written and verified, every bad input refused with its reason, other files never
/// overwritten, every command's help.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class TrainCommandTests
{
    private static readonly string[] SmallSynthetic =
    [
        "--synthetic-users",
        "150",
        "--synthetic-items",
        "200",
        "--synthetic-interactions",
        "4000",
        "--epochs",
        "2",
        "--dim",
        "8",
    ];

    [Fact]
    public async Task Train_Synthetic_WritesABundleThatInspectVerifies()
    {
        using var dir = new TempDirectory();
        var bundle = Path.Combine(dir.Path, "bundle");

        var train = await Recs.RunAsync(["train", "--data", "synthetic", "--out", bundle, .. SmallSynthetic]);
        var inspect = await Recs.RunAsync("inspect", bundle);

        Assert.True(train.ExitCode == 0, train.Error);
        var version = Assert.Single(new BundleRoot(bundle).Versions());
        Assert.Equal(version, new BundleRoot(bundle).CurrentVersion());
        Assert.Contains($"promoted {version}", train.Output);
        Assert.Contains("epoch 2/2", train.Output);
        Assert.Contains("ETA", train.Output);
        Assert.Equal(0, inspect.ExitCode);
        Assert.Contains("ok     item_vectors.bin", inspect.Output);
        Assert.Contains("tables: ok", inspect.Output);
        Assert.Matches(@"validation  covered_items \d+  map@10 0\.\d{4}", inspect.Output);
    }

    [Fact]
    public async Task Inspect_FlippedByte_FailsAndNamesTheFile()
    {
        using var dir = new TempDirectory();
        var bundle = Path.Combine(dir.Path, "bundle");
        Assert.Equal(
            0,
            (await Recs.RunAsync(["train", "--data", "synthetic", "--out", bundle, .. SmallSynthetic])).ExitCode
        );
        var path = Path.Combine(new BundleRoot(bundle).ServedDirectory(), SimilarItems.FileName);
        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var inspect = await Recs.RunAsync("inspect", bundle);

        Assert.Equal(1, inspect.ExitCode);
        Assert.Contains("FAILED similar_items.bin: checksum mismatch", inspect.Output);
        Assert.Contains("ok     catalog.bin", inspect.Output);
        Assert.Contains("1 file(s) failed verification", inspect.Error);
    }

    [Fact]
    public async Task Train_MissingDataFolder_ExitsOneWithTheReason()
    {
        using var dir = new TempDirectory();

        var result = await Recs.RunAsync(
            "train",
            "--data",
            Path.Combine(dir.Path, "nope"),
            "--out",
            Path.Combine(dir.Path, "b")
        );

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not exist", result.Error);
    }

    [Fact]
    public async Task Train_MalformedRatings_ExitsOneNamingFileAndLine()
    {
        using var dir = new TempDirectory();
        var data = Directory.CreateDirectory(Path.Combine(dir.Path, "data")).FullName;
        File.WriteAllText(Path.Combine(data, "movies.csv"), "movieId,title,genres\n1,A (1999),Drama\n");
        File.WriteAllText(
            Path.Combine(data, "ratings.csv"),
            "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,1,4.0\n"
        );

        var result = await Recs.RunAsync("train", "--data", data, "--out", Path.Combine(dir.Path, "b"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ratings.csv:3:", result.Error);
    }

    [Fact]
    public async Task Train_IntoADirectoryHoldingOtherFiles_RefusesAndKeepsThem()
    {
        using var dir = new TempDirectory();
        var keep = dir.Write("precious.txt", "do not delete");

        var result = await Recs.RunAsync(["train", "--data", "synthetic", "--out", dir.Path, .. SmallSynthetic]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is neither a bundle root nor empty", result.Error);
        Assert.True(File.Exists(keep));
    }

    [Fact]
    public async Task Train_OutOfRangeOption_ExitsOneNamingTheOption()
    {
        using var dir = new TempDirectory();

        var result = await Recs.RunAsync(
            "train",
            "--data",
            "synthetic",
            "--out",
            Path.Combine(dir.Path, "b"),
            "--epochs",
            "0",
            "--history-dropout",
            "1.5"
        );

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("epochs must be at least 1 (got 0)", result.Error);
        Assert.Contains("history dropout must lie in [0, 1) (got 1.5)", result.Error);
    }

    [Theory]
    [InlineData("train", "--data")]
    [InlineData("inspect", "bundle")]
    public async Task Help_EveryCommand_DescribesItsArguments(string command, string expected)
    {
        var result = await Recs.RunAsync(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.Output);
    }

    [MovieLensFact]
    public async Task Train_MovieLens100K_WritesTrainingMetricsIntoTheManifest()
    {
        using var dir = new TempDirectory();
        var bundle = Path.Combine(dir.Path, "ml100k");

        var result = await Recs.RunAsync(
            "train",
            "--data",
            MovieLensData.Folder100K,
            "--out",
            bundle,
            "--epochs",
            "1",
            "--search-trials",
            "2"
        );

        Assert.True(result.ExitCode == 0, result.Error);
        using var manifest = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(new BundleRoot(bundle).ServedDirectory(), BundleManifest.FileName))
        );
        var training = manifest.RootElement.GetProperty("training");
        Assert.Equal("movielens-100k", manifest.RootElement.GetProperty("dataset").GetProperty("name").GetString());
        Assert.Equal(1682, manifest.RootElement.GetProperty("itemCount").GetInt32());
        Assert.True(
            training.GetProperty("validation").GetProperty("ndcg@10").GetDouble()
                > training.GetProperty("popularityValidation").GetProperty("ndcg@10").GetDouble()
        );
        Assert.Single(training.GetProperty("epochs").EnumerateArray());
        // the settings search ran on real data, within its budget
        Assert.Equal(2, training.GetProperty("search").GetArrayLength());
    }
}
