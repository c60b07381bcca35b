using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Features;
using RecServices.Training.Bundling;
using RecServices.Training.Model;

namespace RecServices.Testing;

/// <summary>
/// A real bundle, trained by the project's own pipeline on small seeded synthetic data, built once per test run.
/// </summary>
public static class TestBundle
{
    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static readonly SyntheticOptions Data = new()
    {
        Users = 300,
        Items = 500,
        Interactions = 12_000,
        Clusters = 15,
    };

    /// <summary>Small, fast training settings for the tests' bundles.</summary>
    public static readonly BuildOptions Options = new()
    {
        Training = new TrainingOptions
        {
            Epochs = 4,
            Patience = 0,
            Dimensions = new TowerDimensions(16, 16, 32, 16),
            HistoryLength = 50,
            LearningRate = 0.005f,
        },
        TopListLength = 100,
        SearchTrials = 1, // the given settings; HyperparameterSearchTests covers the search
    };

    /// <summary>The bundle directory (under the system temp folder).</summary>
    public static string Path => Built.Value;

    private static string Build()
    {
        var dir = System.IO.Path.Combine(
            System.IO.Path.GetTempPath(),
            "recs-functional-" + Guid.NewGuid().ToString("N"),
            "bundle"
        );
        new BundleBuilder(Options, _ => { }).Build(SyntheticDataset.Generate(Data), dir);
        return dir;
    }

    /// <summary>Each user's distinct items in time order, as the user store holds them.</summary>
    public static UserHistories Histories(Bundle bundle) =>
        UserHistories.Build(bundle.Interactions!, bundle.Users!.Count);

    public static UserFeatures Features(Bundle bundle) => new(bundle.Manifest.Schema, bundle.Catalog.ItemCategories);
}
