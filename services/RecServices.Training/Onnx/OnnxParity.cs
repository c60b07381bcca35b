using RecServices.Serving.Inference;
using RecServices.Training.Model;

namespace RecServices.Training.Onnx;

/// <summary>
/// Checks that ONNX Runtime, running the exported towers, reproduces the C# forward pass. The difference of
/// one output vector is relative to that vector's size: max_i |onnx_i − c#_i| / max_i |c#_i| (what a dot
/// product with it can be off by, in its own scale). A NaN or infinity on either side is an infinite
/// difference, so a broken tower can never pass.
/// </summary>
public static class OnnxParity
{
    public const double Tolerance = 1e-5;

    /// <summary>Below this size a vector's difference is taken as absolute (an all-zero vector has no scale).</summary>
    private const double TinyScale = 1e-6;

    /// <summary>Largest relative difference on the user tower for <paramref name="users"/>.</summary>
    public static double UserTower(TwoTowerNetwork network, UserTowerModel model, UserBatch users) =>
        UserTower([network], model, users);

    /// <summary>
    /// The same for an ensemble's user tower (the members' outputs concatenated, then the popularity term's
    /// component if any).
    /// </summary>
    public static double UserTower(
        IReadOnlyList<TwoTowerNetwork> members,
        UserTowerModel model,
        UserBatch users,
        PopularityTerm? popularity = null
    )
    {
        var parts = members
            .Select(m =>
            {
                var pass = new TowerPass();
                m.ForwardUser(users, pass);
                return pass.Output[..(users.Rows * m.Dimensions.Output)];
            })
            .ToList();
        var width = members.Sum(m => m.Dimensions.Output);
        var expected = TowerEnsemble.Concatenate(parts, members.Select(m => m.Dimensions.Output).ToList(), users.Rows);
        if (popularity is not null)
        {
            expected = popularity.AppendUser(expected, users.Rows, width);
        }

        var output = new float[users.Rows * model.OutputWidth];
        model.Run(users.Rows, users.HistoryItems, users.HistoryWeights, users.Features, output);
        return MaxRelativeDifference(expected, output, model.OutputWidth);
    }

    /// <summary>Largest relative difference on the item tower for <paramref name="items"/>.</summary>
    public static double ItemTower(TwoTowerNetwork network, ItemTowerModel model, int[] items, float[] itemFeatures)
    {
        var pass = new TowerPass();
        network.ForwardItems(items, itemFeatures, pass);
        var f = network.ItemFeatureCount;
        var features = new float[items.Length * f];
        for (var r = 0; r < items.Length; r++)
        {
            itemFeatures.AsSpan(items[r] * f, f).CopyTo(features.AsSpan(r * f));
        }

        var output = new float[items.Length * model.OutputWidth];
        model.Run(items.Length, items.Select(i => (long)i).ToArray(), features, output);
        return MaxRelativeDifference(pass.Output.AsSpan(0, output.Length), output, model.OutputWidth);
    }

    /// <summary>
    /// The largest per-vector relative difference between <paramref name="expected"/> and <paramref name="actual"/>,
    /// both rows of <paramref name="width"/> values; +∞ when either holds a NaN or an infinity.
    /// </summary>
    public static double MaxRelativeDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int width)
    {
        if (expected.Length != actual.Length || width <= 0 || expected.Length % width != 0)
        {
            throw new ArgumentException(
                $"parity compares equal rows of {width} values; got {expected.Length} and {actual.Length} values"
            );
        }

        var worst = 0.0;
        for (var start = 0; start < expected.Length; start += width)
        {
            double scale = 0,
                difference = 0;
            for (var i = start; i < start + width; i++)
            {
                if (!float.IsFinite(expected[i]) || !float.IsFinite(actual[i]))
                {
                    return double.PositiveInfinity;
                }

                scale = Math.Max(scale, Math.Abs((double)expected[i]));
                difference = Math.Max(difference, Math.Abs((double)actual[i] - expected[i]));
            }

            worst = Math.Max(worst, difference / Math.Max(scale, TinyScale));
        }

        return worst;
    }
}
