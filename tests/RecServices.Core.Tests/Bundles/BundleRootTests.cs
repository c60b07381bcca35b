using RecServices.Core.Bundles;

namespace RecServices.Core.Tests.Bundles;

/// <summary>The bundle root's pointer, promotion log and served directory, on plain directories.</summary>
public sealed class BundleRootTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void SetCurrent_ThreePromotions_PreviousIsTheOneBeforeAndTheLogKeepsThemAll()
    {
        var root = RootWith("v1", "v2", "v3");

        root.SetCurrent("v1");
        root.SetCurrent("v2");
        root.SetCurrent("v3");

        Assert.Equal("v3", root.CurrentVersion());
        Assert.Equal("v2", root.PreviousVersion());
        Assert.Equal(["v1", "v2", "v3"], root.Promotions().Select(p => p.Version));
        Assert.Equal(root.VersionPath("v3"), root.ServedDirectory());
    }

    [Fact]
    public void PreviousVersion_AfterARollback_IsTheVersionRolledBackFrom()
    {
        var root = RootWith("v1", "v2");
        root.SetCurrent("v1");
        root.SetCurrent("v2");

        root.SetCurrent(root.PreviousVersion()!); // rollback

        Assert.Equal("v1", root.CurrentVersion());
        Assert.Equal("v2", root.PreviousVersion());
    }

    [Fact]
    public void PreviousVersion_DeletedDirectory_IsSkipped()
    {
        var root = RootWith("v1", "v2", "v3");
        root.SetCurrent("v1");
        root.SetCurrent("v2");
        root.SetCurrent("v3");
        Directory.Delete(root.VersionPath("v2"));

        Assert.Equal("v1", root.PreviousVersion());
    }

    [Fact]
    public void CurrentVersion_PointerWithAPath_IsRefusedNamingTheFile()
    {
        var root = RootWith("v1");
        File.WriteAllText(Path.Combine(root.Path, BundleRoot.CurrentFile), "../../etc\n");

        var e = Assert.Throws<BundleFormatException>(root.CurrentVersion);

        Assert.Contains(BundleRoot.CurrentFile, e.Message);
        Assert.Contains("is not a version name", e.Message);
    }

    [Fact]
    public void ServedDirectory_PointerToAMissingVersion_SaysWhichOne()
    {
        var root = RootWith("v1");
        File.WriteAllText(Path.Combine(root.Path, BundleRoot.CurrentFile), "v9\n");

        var e = Assert.Throws<BundleFormatException>(root.ServedDirectory);

        Assert.Contains("names version 'v9'", e.Message);
    }

    [Fact]
    public void ServedDirectory_EmptyRoot_SaysHowToBuildOne()
    {
        var root = new BundleRoot(_dir.Path);

        var e = Assert.Throws<BundleFormatException>(root.ServedDirectory);

        Assert.False(root.HasBundle);
        Assert.Contains("recs train --out", e.Message);
    }

    [Fact]
    public void Promotions_MalformedLine_NamesTheFileAndLine()
    {
        var root = RootWith("v1");
        root.SetCurrent("v1");
        File.AppendAllText(Path.Combine(root.Path, BundleRoot.PromotionsFile), "yesterday v2\n");

        var e = Assert.Throws<BundleFormatException>(() => root.Promotions());

        Assert.Contains(BundleRoot.PromotionsFile + ":2", e.Message);
    }

    [Fact]
    public void SetCurrent_UnknownVersion_IsAnArgumentErrorAndThePointerStays()
    {
        var root = RootWith("v1");
        root.SetCurrent("v1");

        Assert.Throws<ArgumentException>(() => root.SetCurrent("v2"));

        Assert.Equal("v1", root.CurrentVersion());
        Assert.Empty(Directory.EnumerateFiles(root.Path, "current.tmp-*"));
    }

    public void Dispose() => _dir.Dispose();

    private BundleRoot RootWith(params string[] versions)
    {
        var root = new BundleRoot(_dir.Path);
        foreach (var version in versions)
        {
            Directory.CreateDirectory(root.VersionPath(version));
        }

        return root;
    }
}
