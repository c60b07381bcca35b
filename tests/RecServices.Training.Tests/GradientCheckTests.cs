using RecServices.Core.Bundles;
using RecServices.Training.Model;
using RecServices.Training.Nn;

namespace RecServices.Training.Tests;

/// <summary>
/// The softmax objective's analytic gradients against finite differences; masked items get no probability.
/// </summary>
public sealed class GradientCheckTests
{
    private const int Items = 7;
    private const int UserFeatures = 3;
    private const int ItemFeatures = 2;

    [Fact]
    public void Evaluate_AnalyticGradients_MatchCentralFiniteDifferences()
    {
        var network = new TwoTowerNetwork(Items, UserFeatures, ItemFeatures, new TowerDimensions(3, 4, 5, 3), seed: 3);
        var objective = new SoftmaxObjective(network);
        var (users, itemFeatures, targets, mask) = TinyBatch();
        var candidates = Enumerable.Range(0, Items).ToArray();
        // every third item's id dropped: it reads the new-item embedding, whose gradient is checked too
        var dropped = candidates.Select(i => i % 3 == 0).ToArray();

        network.ClearGrads();
        objective.Evaluate(users, candidates, itemFeatures, targets, mask, backward: true, dropped);
        var analytic = network.Parameters.Select(p => (float[])p.Grad.Clone()).ToArray();

        var checkedEntries = 0;
        for (var pi = 0; pi < network.Parameters.Count; pi++)
        {
            var p = network.Parameters[pi];
            for (var i = 0; i < p.Value.Length; i++)
            {
                var numeric = Numeric(
                    p,
                    i,
                    () => objective.Evaluate(users, candidates, itemFeatures, targets, mask, backward: false, dropped)
                );
                var expected = analytic[pi][i];
                Assert.True(
                    Math.Abs(numeric - expected) <= 2e-3 + (2e-2 * Math.Abs(expected)),
                    $"{p.Name}[{i}]: analytic {expected:E4}, numeric {numeric:E4}"
                );
                checkedEntries++;
            }
        }

        Assert.Equal(159, checkedEntries); // every weight of both towers, both embeddings and the new-item row
        Assert.Contains(analytic[^1], g => g != 0); // the new-item row learns from the dropped items
    }

    [Fact]
    public void Evaluate_MaskedItems_GetNoProbabilityMass()
    {
        var network = new TwoTowerNetwork(Items, UserFeatures, ItemFeatures, new TowerDimensions(3, 4, 5, 3), seed: 3);
        var objective = new SoftmaxObjective(network);
        var (users, itemFeatures, targets, _) = TinyBatch();
        var candidates = Enumerable.Range(0, Items).ToArray();
        var everythingButTarget = new float[users.Rows * Items];
        for (var r = 0; r < users.Rows; r++)
        {
            for (var j = 0; j < Items; j++)
            {
                everythingButTarget[(r * Items) + j] = j == targets[r] ? 0 : float.NegativeInfinity;
            }
        }

        // With every other item masked the target has probability 1: zero loss.
        Assert.Equal(
            0,
            objective.Evaluate(users, candidates, itemFeatures, targets, everythingButTarget, backward: false),
            6
        );
    }

    private static double Numeric(Parameter p, int i, Func<double> loss)
    {
        const float Epsilon = 1e-2f;
        var original = p.Value[i];
        p.Value[i] = original + Epsilon;
        var plus = loss();
        p.Value[i] = original - Epsilon;
        var minus = loss();
        p.Value[i] = original;
        return (plus - minus) / (2 * Epsilon);
    }

    private static (UserBatch Users, float[] ItemFeatures, int[] Targets, float[] Mask) TinyBatch()
    {
        var rng = new Random(11);
        var users = new UserBatch(3, 4, UserFeatures) { Rows = 3 };
        long[][] histories =
        [
            [1, 2, 0, 0],
            [3, 4, 5, 0],
            [6, 0, 0, 0],
        ];
        int[] lengths = [2, 3, 1];
        for (var r = 0; r < 3; r++)
        {
            histories[r].CopyTo(users.HistoryItemsOf(r));
            for (var j = 0; j < lengths[r]; j++)
            {
                users.HistoryWeightsOf(r)[j] = 1f / lengths[r];
            }

            for (var f = 0; f < UserFeatures; f++)
            {
                users.FeaturesOf(r)[f] = (float)(rng.NextDouble() - 0.5);
            }
        }

        var itemFeatures = Enumerable
            .Range(0, Items * ItemFeatures)
            .Select(_ => (float)(rng.NextDouble() - 0.5))
            .ToArray();
        int[] targets = [0, 1, 2];
        var mask = new float[3 * Items];
        mask[(0 * Items) + 1] = float.NegativeInfinity; // user 0 has seen item 1: left out of their softmax
        mask[(1 * Items) + 3] = float.NegativeInfinity;
        return (users, itemFeatures, targets, mask);
    }
}
