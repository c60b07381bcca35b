using RecServices.Core.Bundles;

namespace RecServices.Cli.Tests;

/// <summary>
/// Versions in one bundle root: train adds, promote validates and points <c>current</c>, rollback goes back.
/// </summary>
public sealed class BundlesCommandTests
{
    private static readonly string[] Small =
    [
        "--data",
        "synthetic",
        "--synthetic-users",
        "100",
        "--synthetic-items",
        "150",
        "--synthetic-interactions",
        "3000",
        "--epochs",
        "1",
        "--dim",
        "8",
    ];

    [Fact]
    public async Task PromoteAndRollback_TwoVersions_CurrentMovesAndListSaysWhich()
    {
        using var dir = new TempDirectory();
        var root = new BundleRoot(Path.Combine(dir.Path, "root"));
        Assert.Equal(0, (await Recs.RunAsync(["train", "--out", root.Path, "--seed", "1", .. Small])).ExitCode);
        var second = await Recs.RunAsync(["train", "--out", root.Path, "--seed", "2", "--no-promote", .. Small]);
        Assert.True(second.ExitCode == 0, second.Error);
        var (v1, v2) = (root.Versions()[0], root.Versions()[1]);
        Assert.Equal(v1, root.CurrentVersion()); // --no-promote left the first one current

        var promote = await Recs.RunAsync("bundles", "promote", root.Path, v2);
        var afterPromote = (root.CurrentVersion(), root.PreviousVersion());
        var list = await Recs.RunAsync("bundles", "list", root.Path);
        var rollback = await Recs.RunAsync("bundles", "rollback", root.Path);

        Assert.True(promote.ExitCode == 0, promote.Error);
        Assert.Equal((v2, v1), afterPromote);
        Assert.Contains($"| {v2} |", list.Output);
        Assert.Matches($@"\| {v2} \|[^\n]*\| current \|", list.Output);
        Assert.Matches($@"\| {v1} \|[^\n]*\| previous \|", list.Output);
        Assert.True(rollback.ExitCode == 0, rollback.Error);
        Assert.Equal(v1, root.CurrentVersion());
        Assert.Equal(root.VersionPath(v1), Bundle.LoadServed(root.Path, BundleParts.Core).Directory);
    }

    [Fact]
    public async Task Promote_CorruptedVersion_IsRefusedNamingTheFileAndCurrentStays()
    {
        using var dir = new TempDirectory();
        var root = new BundleRoot(Path.Combine(dir.Path, "root"));
        Assert.Equal(0, (await Recs.RunAsync(["train", "--out", root.Path, "--seed", "1", .. Small])).ExitCode);
        Assert.Equal(
            0,
            (await Recs.RunAsync(["train", "--out", root.Path, "--seed", "2", "--no-promote", .. Small])).ExitCode
        );
        var (v1, v2) = (root.Versions()[0], root.Versions()[1]);
        var table = Path.Combine(root.VersionPath(v2), TopLists.FileName);
        var bytes = File.ReadAllBytes(table);
        bytes[^3] ^= 0x10;
        File.WriteAllBytes(table, bytes);

        var result = await Recs.RunAsync("bundles", "promote", root.Path, v2);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(TopLists.FileName, result.Error);
        Assert.Equal(v1, root.CurrentVersion());
    }

    [Fact]
    public async Task Train_IntoAFlatBundle_MovesItUnderVersionsAndKeepsItAsThePrevious()
    {
        using var dir = new TempDirectory();
        var flat = Path.Combine(dir.Path, "flat");
        new Training.Bundling.BundleBuilder(
            new Training.Bundling.BuildOptions
            {
                Training = new Training.Model.TrainingOptions
                {
                    Epochs = 1,
                    Dimensions = new TowerDimensions(8, 8, 16, 8),
                },
            },
            _ => { }
        ).Build(
            Core.Data.SyntheticDataset.Generate(
                new Core.Data.SyntheticOptions
                {
                    Users = 100,
                    Items = 150,
                    Interactions = 3000,
                }
            ),
            flat
        );
        var oldVersion = Bundle.ReadManifest(flat).Version;

        var result = await Recs.RunAsync(["train", "--out", flat, "--seed", "3", .. Small]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"moved the bundle at {flat} to versions/{oldVersion}", result.Output);
        var root = new BundleRoot(flat);
        Assert.False(root.IsFlat);
        Assert.Equal(2, root.Versions().Count);
        Assert.Equal(oldVersion, root.PreviousVersion());
        Assert.NotEqual(oldVersion, root.CurrentVersion());
    }

    [Fact]
    public async Task Train_KeepOne_DeletesOlderVersionsButNeverTheCurrentOrThePrevious()
    {
        using var dir = new TempDirectory();
        var root = new BundleRoot(Path.Combine(dir.Path, "root"));
        foreach (var seed in new[] { "1", "2", "3" })
        {
            var train = await Recs.RunAsync(["train", "--out", root.Path, "--seed", seed, "--keep", "1", .. Small]);
            Assert.True(train.ExitCode == 0, train.Error);
        }

        var versions = root.Versions();
        Assert.Equal(2, versions.Count); // the first is gone; the second stays as the previous one
        Assert.Equal(versions[1], root.CurrentVersion());
        Assert.Equal(versions[0], root.PreviousVersion());
    }

    [Fact]
    public async Task Rollback_NoPreviousVersion_ExitsOneSayingSo()
    {
        using var dir = new TempDirectory();
        var root = Path.Combine(dir.Path, "root");
        Assert.Equal(0, (await Recs.RunAsync(["train", "--out", root, .. Small])).ExitCode);

        var result = await Recs.RunAsync("bundles", "rollback", root);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has no previous version to roll back to", result.Error);
    }
}
