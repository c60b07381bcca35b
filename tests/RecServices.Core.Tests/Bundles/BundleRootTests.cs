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
    public void Promotions_TornOrEditedLines_AreSkippedAndNamed_RollbackStillFindsThePrevious()
    {
        var root = RootWith("v1", "v2");
        root.SetCurrent("v1");
        var log = Path.Combine(root.Path, BundleRoot.PromotionsFile);
        File.AppendAllText(log, "yesterday v9\n");
        root.SetCurrent("v2");
        File.AppendAllText(log, "2026-12-07T10:0"); // a write torn by a crash, no newline

        var promotions = root.Promotions();
        var skipped = root.SkippedPromotionLines;
        root.SetCurrent("v1"); // the next promotion starts a line of its own

        Assert.Equal(["v1", "v2"], promotions.Select(p => p.Version));
        Assert.Equal([2, 4], skipped);
        Assert.Equal(["v1", "v2", "v1"], root.Promotions().Select(p => p.Version));
        Assert.Equal("v2", root.PreviousVersion());
    }

    [Fact]
    public void Lock_HeldByOneCommand_AnotherWaitsThenFailsNamingTheHolder_AndGetsItOnceReleased()
    {
        var root = RootWith("v1");
        var held = root.Lock(TimeSpan.Zero);

        var e = Assert.Throws<IOException>(() => root.Lock(TimeSpan.FromMilliseconds(300)));
        held.Dispose();
        using var again = root.Lock(TimeSpan.Zero);

        Assert.Contains("another recs command is changing", e.Message);
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public void RemoveStaleIncoming_OnlyFoldersOfRunsDeadForADay()
    {
        var root = RootWith("v1");
        var dead = Directory.CreateDirectory(Path.Combine(root.VersionsPath, ".incoming-dead")).FullName;
        var running = Directory.CreateDirectory(Path.Combine(root.VersionsPath, ".incoming-live")).FullName;
        File.WriteAllText(Path.Combine(dead, "part"), "x");
        File.WriteAllText(Path.Combine(running, "part"), "x");
        var old = DateTime.UtcNow.AddDays(-2);
        File.SetLastWriteTimeUtc(Path.Combine(dead, "part"), old);
        Directory.SetLastWriteTimeUtc(dead, old);

        var removed = root.RemoveStaleIncoming(DateTimeOffset.UtcNow);

        Assert.Equal([".incoming-dead"], removed);
        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(running));
        Assert.Equal(["v1"], root.Versions());
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
