using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Training.Bundling;
using RecServices.Training.Model;

namespace RecServices.Training.Tests;

/// <summary>
/// The settings search steps the right way, keeps the given settings on gains within noise, and records every trial;
/// ensembles are served and recorded.
/// </summary>
public sealed class HyperparameterSearchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recs-search-").FullName;

    [Fact]
    public void Run_OverFittingStart_StepsRegularisationUpFirstAndKeepsWhatValidatesBetter()
    {
        // Validation peaks at weight decay 2 (4 × the start) and prefers less dropout; the start over-fits (best epoch
        // 2 of 8).
        var start = new TrainingOptions { WeightDecay = 0.5f, HistoryDropout = 0.3 };
        var tried = new List<TrainingOptions>();
        var search = new HyperparameterSearch(
            o =>
            {
                tried.Add(o);
                var score = 0.2 - (0.01 * Math.Abs(Math.Log2(o.WeightDecay / 2f))) - (0.05 * o.HistoryDropout);
                return Run(score, bestEpoch: 2, epochsRun: 8);
            },
            _ => { }
        );

        var result = search.Run(start, trials: 6);

        Assert.Equal(6, result.Trials.Count);
        // over-fitting: a smaller step first (no gain here) ...
        Assert.Equal(start.LearningRate / 2, tried[1].LearningRate);
        Assert.Equal(start.LearningRate * 2, tried[2].LearningRate); // ... then a larger one (no gain either)
        Assert.Equal(0.5f * 4, tried[3].WeightDecay); // more weight decay before less
        Assert.Equal(0.5, tried[4].HistoryDropout, 9); // then more dropout (worse here) ...
        Assert.Equal(0.1, tried[5].HistoryDropout, 9); // ... so less
        Assert.Equal(start.LearningRate, result.Options.LearningRate);
        Assert.Equal(2f, result.Options.WeightDecay);
        Assert.Equal(0.1, result.Options.HistoryDropout, 9);
        Assert.Equal(6, result.Kept + 1);
        Assert.Equal([true, false, false, true, false, true], result.Trials.Select(t => t.Won));
        Assert.Equal("2", result.Trials[result.Kept].Settings["weightDecay"]);
    }

    [Fact]
    public void Run_GainsWithinNoise_KeepTheGivenSettings()
    {
        var start = new TrainingOptions();
        var calls = 0;
        var search = new HyperparameterSearch(
            _ => Run(0.2 + (++calls * 0.0001), bestEpoch: 9, epochsRun: 12),
            _ => { }
        );

        var result = search.Run(start, trials: 5);

        Assert.Equal(5, result.Trials.Count);
        Assert.Equal(start, result.Options);
        Assert.Equal(0, result.Kept);
    }

    [Fact]
    public void Build_WithSearch_RecordsEveryTrialAndTheKeptSettingsInTheManifest()
    {
        var data = SyntheticDataset.Generate(
            new SyntheticOptions
            {
                Users = 120,
                Items = 150,
                Interactions = 3_000,
            }
        );
        var options = TestBundle.Options with
        {
            SearchTrials = 3,
            Training = TestBundle.Options.Training with { Epochs = 2 },
        };

        var manifest = new BundleBuilder(options, _ => { }).Build(data, Path.Combine(_dir, "bundle"));

        var search = manifest.Training.Search;
        Assert.Equal(3, search.Count);
        Assert.Equal([1, 2, 3], search.Select(t => t.Number));
        Assert.True(search[0].Won);
        var kept = search.Last(t => t.Won);
        Assert.Equal(kept.Settings["weightDecay"], manifest.Training.Settings["weightDecay"]);
        Assert.Equal(kept.Settings["historyDropout"], manifest.Training.Settings["historyDropout"]);
        Assert.Equal(
            kept.Settings["dim"],
            manifest.Towers.Output.ToString(System.Globalization.CultureInfo.InvariantCulture)
        );
        Assert.Contains("3 trials", manifest.Training.Settings["search"]);
        Assert.All(search, t => Assert.InRange(t.ValidationNdcg, 0, 1));
    }

    [Fact]
    public void Build_Ensemble_ServesTheMembersConcatenatedAndRecordsThem()
    {
        var data = SyntheticDataset.Generate(
            new SyntheticOptions
            {
                Users = 120,
                Items = 150,
                Interactions = 3_000,
            }
        );
        var options = TestBundle.Options with
        {
            Training = TestBundle.Options.Training with { Epochs = 2, EnsembleSize = 2 },
        };
        var directory = Path.Combine(_dir, "ensemble");

        var manifest = new BundleBuilder(options, _ => { }).Build(data, directory);

        Assert.Equal(2 * options.Training.Dimensions.Output, manifest.Towers.Output);
        Assert.StartsWith("2 members", manifest.Training.Settings["ensemble"]);
        Assert.InRange(manifest.Training.OnnxParityMaxError, 0, 1e-5);
        var bundle = Bundle.Load(directory, BundleParts.All);
        Assert.Equal(manifest.Towers.Output, bundle.Vectors!.Dimension);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TrainingRun Run(double ndcg, int bestEpoch, int epochsRun) =>
        new(
            new TwoTowerNetwork(4, 1, 1, new TowerDimensions(2, 2, 2, 2), seed: 1),
            Enumerable.Range(1, epochsRun).Select(e => new EpochRecord(e, 1, ndcg, 0, 0)).ToList(),
            bestEpoch,
            new Dictionary<string, double> { ["ndcg@10"] = ndcg },
            new Dictionary<string, double>(),
            1
        );
}
