using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Training.Bundling;

namespace RecServices.FunctionalTests;

/// <summary>
/// Two versions of the test bundle (the second trained on other seeded data, so its version name and its vectors
/// differ), built once per run; each test gets a bundle root of its own holding copies of both, the first current.
/// </summary>
public static class TestVersions
{
    private static readonly Lazy<string> Second = new(BuildSecond, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string FirstPath => TestBundle.Path;

    public static string SecondPath => Second.Value;

    /// <summary>A new root under <paramref name="directory"/> with both versions, the first one current.</summary>
    public static (BundleRoot Root, string First, string Second) NewRoot(string directory)
    {
        var root = new BundleRoot(Path.Combine(directory, "root"));
        var first = root.AddVersion(
            Copy(FirstPath, Path.Combine(directory, "copy-1")),
            Bundle.ReadManifest(FirstPath).Version
        );
        var second = root.AddVersion(
            Copy(SecondPath, Path.Combine(directory, "copy-2")),
            Bundle.ReadManifest(SecondPath).Version
        );
        root.SetCurrent(first);
        return (root, first, second);
    }

    private static string Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        return to;
    }

    private static string BuildSecond()
    {
        var dir = Path.Combine(Path.GetTempPath(), "recs-functional-v2-" + Guid.NewGuid().ToString("N"), "bundle");
        var options = TestBundle.Options with { Training = TestBundle.Options.Training with { Seed = 1234 } };
        new BundleBuilder(options, _ => { }).Build(
            SyntheticDataset.Generate(TestBundle.Data with { Seed = 4321 }),
            dir
        );
        return dir;
    }
}
