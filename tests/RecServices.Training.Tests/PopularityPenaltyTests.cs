using System.Numerics.Tensors;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Features;
using RecServices.Serving.Inference;
using RecServices.Training.Bundling;
using RecServices.Training.Model;
using RecServices.Training.Onnx;

namespace RecServices.Training.Tests;

/// <summary>
/// The served popularity term: the choice rule, the exported towers, and what a bundle holds with it.
/// </summary>
public sealed class PopularityPenaltyTests : IDisposable
{
    private static readonly SyntheticOptions Data = new()
    {
        Users = 120,
        Items = 150,
        Interactions = 3_000,
    };
    private readonly string _dir = Directory.CreateTempSubdirectory("recs-penalty-").FullName;

    [Fact]
    public void ChooseIndex_TakesTheMostCoverageWithinToleranceOfTheBestNdcg()
    {
        // Best nDCG 0.300 at index 1; within 1 %: indices 0-3 (0.297 and up); index 3 covers most of those; index 4
        // covers more but costs 5 %.
        (double, double)[] scored = [(0.298, 0.20), (0.300, 0.22), (0.299, 0.25), (0.297, 0.27), (0.285, 0.40)];

        Assert.Equal(3, PopularityPenalty.ChooseIndex(scored, 0.01));
        Assert.Equal(1, PopularityPenalty.ChooseIndex(scored, 0));
    }

    [Fact]
    public void ChooseIndex_EqualCoverageKeepsTheWeakerPenalty_AndNonFiniteScoresNeverQualify()
    {
        Assert.Equal(0, PopularityPenalty.ChooseIndex([(0.3, 0.2), (0.3, 0.2)], 0.005));
        Assert.Equal(0, PopularityPenalty.ChooseIndex([(0.3, 0.2), (double.NaN, 0.9)], 0.005));
        Assert.Equal(0, PopularityPenalty.ChooseIndex([(double.NaN, 0.2), (double.NaN, 0.9)], 0.005));
    }

    [Fact]
    public void ExportedTowers_WithTheTerm_ScoreEveryItemTheTowersScoreMinusBetaTimesLogCount()
    {
        const int Items = 40;
        const double Beta = 0.3;
        var schema = TestSchemas.For(["a", "b"], 5);
        var dims = new TowerDimensions(6, 6, 10, 4);
        var network = new TwoTowerNetwork(
            Items,
            schema.UserFeatureNames.Count,
            schema.ItemFeatureNames.Count,
            dims,
            seed: 5
        );
        var rng = new Random(3);
        var itemFeatures = Enumerable
            .Range(0, Items * schema.ItemFeatureNames.Count)
            .Select(_ => (float)((rng.NextDouble() * 2) - 1))
            .ToArray();
        var counts = Enumerable.Range(0, Items).Select(i => i * i % 97).ToArray(); // zero for some items
        var term = PopularityTerm.For(Beta, counts)!;
        var features = new UserFeatures(schema, Enumerable.Range(0, Items).Select(i => new[] { i % 2 }).ToArray());
        var users = new UserBatch(2, schema.HistoryLength, features.Width) { Rows = 2 };
        features.Fill([1, 2, 3], 30, "F", users.HistoryItemsOf(0), users.HistoryWeightsOf(0), users.FeaturesOf(0));
        features.Fill([], null, null, users.HistoryItemsOf(1), users.HistoryWeightsOf(1), users.FeaturesOf(1));
        var (userPath, itemPath) = (Path.Combine(_dir, "user.onnx"), Path.Combine(_dir, "item.onnx"));

        OnnxTowerExporter.ExportUserTower([network], schema, userPath, term);
        OnnxTowerExporter.ExportItemTower([network], schema, itemPath, term);
        using var userModel = new UserTowerModel(userPath, schema, dims.Output + 1);
        using var itemModel = new ItemTowerModel(itemPath, schema.ItemFeatureNames.Count, dims.Output + 1, threads: 1);

        Assert.InRange(OnnxParity.UserTower([network], userModel, users, term), 0, 1e-5);
        var servedUsers = new float[2 * (dims.Output + 1)];
        userModel.Run(2, users.HistoryItems, users.HistoryWeights, users.Features, servedUsers);
        var servedItems = itemModel.AllItemVectors(Items, itemFeatures);
        var pass = new TowerPass();
        network.ForwardUser(users, pass);
        var towerItems = network.AllItemVectors(itemFeatures);
        for (var r = 0; r < 2; r++)
        {
            for (var item = 0; item < Items; item++)
            {
                var towers = TensorPrimitives.Dot(
                    pass.Output.AsSpan(r * dims.Output, dims.Output),
                    towerItems.AsSpan(item * dims.Output, dims.Output)
                );
                var served = TensorPrimitives.Dot(
                    servedUsers.AsSpan(r * (dims.Output + 1), dims.Output + 1),
                    servedItems.AsSpan(item * (dims.Output + 1), dims.Output + 1)
                );
                Assert.Equal(towers - (Beta * Math.Log(1 + counts[item])), served, 4);
            }
        }
    }

    [Fact]
    public void Build_GivenBeta_ServesTheTermAsTheLastComponent_AndSimilarItemsIgnoreIt()
    {
        var data = SyntheticDataset.Generate(Data);
        var options = TestBundle.Options with
        {
            PopularityPenalty = 0.2,
            Training = TestBundle.Options.Training with { Epochs = 2 },
        };
        var directory = Path.Combine(_dir, "given");

        var manifest = new BundleBuilder(options, _ => { }).Build(data, directory);

        var width = options.Training.Dimensions.Output;
        Assert.Equal(width + 1, manifest.Towers.Output);
        Assert.Equal(0.2, manifest.Training.PopularityPenalty);
        Assert.Empty(manifest.Training.PenaltyTrials);
        Assert.Equal("0.2 (given)", manifest.Training.Settings["popularityPenalty"]);
        var bundle = Bundle.Load(directory, BundleParts.All);
        var v = bundle.Vectors!;
        var counts = new int[data.Items.Count];
        foreach (var item in data.Interactions.Items)
        {
            counts[item]++; // the refit trains on every interaction
        }

        for (var item = 0; item < v.Count; item++)
        {
            Assert.Equal(Math.Log(1 + counts[item]), v.Row(item)[width], 5);
        }

        // The user tower's last output is −β for every user.
        using var tower = new UserTowerModel(bundle.UserTowerPath, manifest.Schema, manifest.Towers.Output);
        var features = new UserFeatures(manifest.Schema, bundle.Catalog.ItemCategories);
        var users = new UserBatch(1, manifest.Schema.HistoryLength, features.Width) { Rows = 1 };
        features.Fill([0, 1, 2], 40, "M", users.HistoryItemsOf(0), users.HistoryWeightsOf(0), users.FeaturesOf(0));
        var output = new float[manifest.Towers.Output];
        tower.Run(1, users.HistoryItems, users.HistoryWeights, users.Features, output);
        Assert.Equal(-0.2f, output[width], 6);

        // Neighbours by cosine over the towers' part alone.
        double Cos(int a, int b) => TensorPrimitives.CosineSimilarity(v.Row(a)[..width], v.Row(b)[..width]);
        for (var item = 0; item < v.Count; item += 11)
        {
            var actual = bundle.Similar!.Of(item).ToArray();
            var expected = Enumerable
                .Range(0, v.Count)
                .Where(o => o != item)
                .OrderByDescending(o => Cos(item, o))
                .Take(actual.Length)
                .ToArray();
            for (var j = 0; j < actual.Length; j++)
            {
                Assert.Equal(Cos(item, expected[j]), Cos(item, actual[j]), 1e-4);
            }
        }
    }

    [Fact]
    public void Build_Auto_ScoresTheGridOnValidation_AndRecordsTheChoiceByItsRule()
    {
        var data = SyntheticDataset.Generate(Data);
        var options = TestBundle.Options with
        {
            PopularityPenalty = null,
            Training = TestBundle.Options.Training with { Epochs = 2 },
        };

        var manifest = new BundleBuilder(options, _ => { }).Build(data, Path.Combine(_dir, "auto"));

        var trials = manifest.Training.PenaltyTrials;
        Assert.Equal(PopularityPenalty.Grid, trials.Select(t => t.Beta));
        var chosen = Assert.Single(trials, t => t.Chosen);
        Assert.Equal(chosen.Beta, manifest.Training.PopularityPenalty);
        Assert.Equal(
            PopularityPenalty.ChooseIndex(
                trials.Select(t => (t.ValidationNdcg, t.Coverage)).ToList(),
                PopularityPenalty.Tolerance
            ),
            trials.ToList().IndexOf(chosen)
        );
        Assert.All(trials, t => Assert.InRange(t.Coverage, 0, 1));
        // the recorded validation is what is served
        Assert.Equal(chosen.ValidationNdcg, manifest.Training.Validation["ndcg@10"], 9);
        Assert.Equal(options.Training.Dimensions.Output + (chosen.Beta == 0 ? 0 : 1), manifest.Towers.Output);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
