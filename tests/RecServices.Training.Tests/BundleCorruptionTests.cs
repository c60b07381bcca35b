using RecServices.Core.Bundles;

namespace RecServices.Training.Tests;

/// <summary>
/// A damaged bundle is refused naming what is wrong (a flipped byte, a truncated or missing file, a newer format, not a
/// bundle).
/// </summary>
public sealed class BundleCorruptionTests(SmallBundleFixture fixture) : IClassFixture<SmallBundleFixture>
{
    public static TheoryData<string> Files =>
        new()
        {
            BundleManifest.FileName,
            Bundle.UserTowerFile,
            Bundle.ItemTowerFile,
            ItemCatalog.FileName,
            ItemVectors.FileName,
            SimilarItems.FileName,
            TopLists.FileName,
            UsersFile.FileName,
            InteractionsFile.FileName,
        };

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_OneFlippedByte_IsRefusedNamingTheFile(string file)
    {
        var copy = fixture.Copy();
        var path = Path.Combine(copy, file);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<BundleFormatException>(() => Bundle.Load(copy));

        Assert.Equal(file, e.FileName);
        Assert.StartsWith(file + ":", e.Message);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_TruncatedFile_IsRefusedNamingTheFile(string file)
    {
        var copy = fixture.Copy();
        var path = Path.Combine(copy, file);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 3)]);

        var e = Assert.Throws<BundleFormatException>(() => Bundle.Load(copy));

        Assert.Equal(file, e.FileName);
    }

    [Fact]
    public void Load_MissingTable_IsRefusedNamingIt()
    {
        var copy = fixture.Copy();
        File.Delete(Path.Combine(copy, SimilarItems.FileName));

        var e = Assert.Throws<BundleFormatException>(() => Bundle.Load(copy));

        Assert.Contains("similar_items.bin: missing", e.Message);
    }

    [Fact]
    public void Load_NewerFormatVersion_SaysToRebuild()
    {
        var copy = fixture.Copy();
        var path = Path.Combine(copy, BundleManifest.FileName);
        File.WriteAllText(
            path,
            File.ReadAllText(path).Replace("\"formatVersion\": 1", "\"formatVersion\": 2", StringComparison.Ordinal)
        );

        var e = Assert.Throws<BundleFormatException>(() => Bundle.Load(copy));

        Assert.Contains("format version 2 is not supported", e.Message);
        Assert.Contains("recs train", e.Message);
    }

    [Fact]
    public void Load_NotABundle_SaysHowToMakeOne()
    {
        var e = Assert.Throws<BundleFormatException>(() => Bundle.Load(fixture.Root));

        Assert.Contains("manifest.json: missing", e.Message);
    }
}
