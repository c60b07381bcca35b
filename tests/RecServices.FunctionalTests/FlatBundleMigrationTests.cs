using RecServices.Core.Bundles;

namespace RecServices.FunctionalTests;

/// <summary>
/// The flat-bundle migration that <c>recs train --out</c> runs on an old root checks the manifest's names as loading
/// does: a manifest naming a file outside the root moves nothing.
/// </summary>
public sealed class FlatBundleMigrationTests
{
    [Fact]
    public void MigrateFlat_ManifestListingAFileOutsideTheRoot_MovesNothing()
    {
        using var directory = new TempDirectory();
        var outside = Path.Combine(directory.Path, "outside.txt");
        File.WriteAllText(outside, "not the bundle's");
        var flat = Directory.CreateDirectory(Path.Combine(directory.Path, "root")).FullName;
        var served = new BundleRoot(TestBundle.Path).ServedDirectory();
        foreach (var file in Directory.EnumerateFiles(served))
        {
            File.Copy(file, Path.Combine(flat, Path.GetFileName(file)));
        }

        var manifest = Bundle.ReadManifest(flat);
        File.WriteAllText(
            Path.Combine(flat, BundleManifest.FileName),
            BundleChecksums.SerializeManifest(
                manifest with
                {
                    Files = [.. manifest.Files, new BundleFile("../outside.txt", 16, new string('0', 64))],
                }
            )
        );
        var root = new BundleRoot(flat);

        var e = Assert.Throws<BundleFormatException>(() => root.MigrateFlat());

        Assert.Contains("lists the file '../outside.txt'", e.Message);
        Assert.True(File.Exists(outside));
        Assert.False(Directory.Exists(root.VersionsPath));
        Assert.All(manifest.Files, f => Assert.True(File.Exists(Path.Combine(flat, f.Name))));
    }
}
