using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Training.Bundling;
using RecServices.Training.Model;

namespace RecServices.Testing;

/// <summary>One bundle trained on small seeded synthetic data, shared by the tests of a class.</summary>
public sealed class SmallBundleFixture : IDisposable
{
    public static readonly SyntheticOptions Data = new()
    {
        Users = 300,
        Items = 400,
        Interactions = 9_000,
        Clusters = 12,
    };

    public static readonly BuildOptions Options = new()
    {
        Training = new TrainingOptions
        {
            Epochs = 6,
            Patience = 0,
            Dimensions = new TowerDimensions(16, 16, 32, 16),
            HistoryLength = 30,
            LearningRate = 0.005f,
            ValidationFraction = 0.1,
        },
        SimilarItemsK = 5,
        TopListLength = 50,
        SearchTrials = 1, // the given settings; HyperparameterSearchTests covers the search
        PopularityPenalty = 0, // the towers' scores alone; PopularityPenaltyTests covers the term
    };

    public SmallBundleFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "recs-bundle-" + Guid.NewGuid().ToString("N"));
        Dataset = SyntheticDataset.Generate(Data);
        Directory = Path.Combine(Root, "bundle");
        Log = [];
        Manifest = new BundleBuilder(Options, Log.Add).Build(Dataset, Directory);
    }

    public string Root { get; }

    public string Directory { get; }

    public Dataset Dataset { get; }

    public BundleManifest Manifest { get; }

    public List<string> Log { get; }

    /// <summary>A fresh copy of the bundle that a test may damage.</summary>
    public string Copy()
    {
        var target = Path.Combine(Root, "copy-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(target);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Root))
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
    }
}
