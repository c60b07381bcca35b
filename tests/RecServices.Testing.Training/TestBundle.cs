using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Features;
using RecServices.Training.Bundling;
using RecServices.Training.Model;

namespace RecServices.Testing;

/// <summary>
/// The one tiny test bundle: a real bundle, trained by the project's own pipeline on small seeded synthetic data, built
/// once per test process. Tests that need other settings start from <see cref="Data"/> and <see cref="Options"/>
/// (<c>with { ... }</c>) and say why.
/// </summary>
public static class TestBundle
{
    private static readonly Lazy<Built> Once = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The data it is trained on (seeded: the same on every run).</summary>
    public static readonly SyntheticOptions Data = new()
    {
        Users = 300,
        Items = 500,
        Interactions = 12_000,
        Clusters = 15,
    };

    /// <summary>Small, fast training settings.</summary>
    public static readonly BuildOptions Options = new()
    {
        Training = new TrainingOptions
        {
            Epochs = 6,
            Patience = 0,
            Dimensions = new TowerDimensions(16, 16, 32, 16),
            HistoryLength = 50,
            LearningRate = 0.005f,
            ValidationFraction = 0.1,
        },
        TopListLength = 100,
        SearchTrials = 1, // the given settings; HyperparameterSearchTests covers the search
        PopularityPenalty = 0, // the towers' scores alone; PopularityPenaltyTests covers the term
    };

    /// <summary>The bundle directory (under the system temp folder). Never write to it: see <see cref="CopyTo"/>.</summary>
    public static string Path => Once.Value.Directory;

    /// <summary>The dataset it was trained on.</summary>
    public static Dataset Dataset => Once.Value.Dataset;

    /// <summary>Its manifest as the build wrote it.</summary>
    public static BundleManifest Manifest => Once.Value.Manifest;

    /// <summary>What the build logged.</summary>
    public static IReadOnlyList<string> Log => Once.Value.Log;

    /// <summary>A copy of the bundle in <paramref name="directory"/> (created), for a test that changes or damages it.</summary>
    public static string CopyTo(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        foreach (var file in System.IO.Directory.EnumerateFiles(Path))
        {
            File.Copy(file, System.IO.Path.Combine(directory, System.IO.Path.GetFileName(file)));
        }

        return directory;
    }

    /// <summary>Each user's distinct items in time order, as the user store holds them.</summary>
    public static UserHistories Histories(Bundle bundle) =>
        UserHistories.Build(bundle.Interactions!, bundle.Users!.Count);

    public static UserFeatures Features(Bundle bundle) => new(bundle.Manifest.Schema, bundle.Catalog.ItemCategories);

    private static Built Build()
    {
        var directory = System.IO.Path.Combine(
            System.IO.Path.GetTempPath(),
            "recs-test-bundle-" + Guid.NewGuid().ToString("N"),
            "bundle"
        );
        var dataset = SyntheticDataset.Generate(Data);
        var log = new List<string>();
        var manifest = new BundleBuilder(Options, log.Add).Build(dataset, directory);
        return new Built(directory, dataset, manifest, log);
    }

    private sealed record Built(string Directory, Dataset Dataset, BundleManifest Manifest, List<string> Log);
}
