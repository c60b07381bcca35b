using RecServices.Serving.Inference;
using RecServices.Training.Model;

namespace RecServices.Training.Onnx;

/// <summary>
/// Checks that ONNX Runtime, running the exported towers, reproduces the C# forward pass:
/// |onnx − c#| ≤ <see cref="Tolerance"/> · max(1, |c#|) for every output value.
/// </summary>
public static class OnnxParity
{
    public const double Tolerance = 1e-5;

    /// <summary>Largest relative difference on the user tower for <paramref name="users"/>.</summary>
    public static double UserTower(TwoTowerNetwork network, UserTowerModel model, UserBatch users)
    {
        var pass = new TowerPass();
        network.ForwardUser(users, pass);
        var output = new float[users.Rows * model.OutputWidth];
        model.Run(users.Rows, users.HistoryItems, users.HistoryWeights, users.Features, output);
        return MaxError(pass.Output, output);
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
        return MaxError(pass.Output, output);
    }

    private static double MaxError(float[] expected, float[] actual)
    {
        var worst = 0.0;
        for (var i = 0; i < actual.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / Math.Max(1.0, Math.Abs(expected[i])));
        }

        return worst;
    }
}
