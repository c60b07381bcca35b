using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Evaluation;
using RecServices.Core.Features;
using RecServices.Training.Model;

namespace RecServices.Training.Tests;

/// <summary>Training is bit-identical for a seed, and a diverging loss stops with a clear error.</summary>
public sealed class TrainingDeterminismTests
{
    [Fact]
    public void Train_SameSeed_GivesBitIdenticalWeights()
    {
        var first = TrainOnce(seed: 5);
        var second = TrainOnce(seed: 5);
        var other = TrainOnce(seed: 6);

        Assert.Equal(first.Length, second.Length);
        for (var i = 0; i < first.Length; i++)
        {
            Assert.Equal(first[i], second[i]);
        }

        Assert.NotEqual(first[0], other[0]);
    }

    [Fact]
    public void Train_DivergingLoss_StopsWithAClearError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TrainOnce(seed: 5, learningRate: 1e30f));

        Assert.Contains("training diverged", error.Message);
        Assert.Contains("Lower the learning rate", error.Message);
    }

    private static float[][] TrainOnce(int seed, float learningRate = 0.001f)
    {
        var data = SyntheticDataset.Generate(
            new SyntheticOptions
            {
                Users = 120,
                Items = 150,
                Interactions = 3_000,
            }
        );
        var (train, validation) = StratifiedSplit.ByItem(data.Interactions, data.Items.Count, 0.9, 1);
        var (items, _, _, _, _) = ItemFeatures.Build(data, train);
        var schema = TestSchemas.For(data.Categories, 20);
        var users = new UserFeatures(schema, data.Items.Select(i => i.Categories).ToArray());
        var options = new TrainingOptions
        {
            Seed = seed,
            Epochs = 2,
            Patience = 0,
            BatchSize = 64,
            Dimensions = new TowerDimensions(8, 8, 16, 8),
            HistoryLength = 20,
            LearningRate = learningRate,
        };
        var run = new TwoTowerTrainer(data, train, items, users, options, _ => { }).Train(validation);
        return run.Network.Snapshot();
    }
}
