using System.Numerics.Tensors;
using RecServices.Core.Bundles;
using RecServices.Training.Nn;

namespace RecServices.Training.Model;

/// <summary>
/// The training-time two-tower model (the serving-time model is the exported ONNX pair).
/// User tower: x_u = [Σ_j w_j · E_hist[h_j] ; user features] → Dense → ReLU → Dense → V_u.
/// Item tower: x_m = [E_item[m] ; item features] → Dense → ReLU → Dense → V_m. Score = V_u · V_m.
/// </summary>
public sealed class TwoTowerNetwork
{
    public TwoTowerNetwork(
        int itemCount,
        int userFeatureCount,
        int itemFeatureCount,
        TowerDimensions dimensions,
        int seed
    )
    {
        var rng = new Random(seed);
        ItemCount = itemCount;
        UserFeatureCount = userFeatureCount;
        ItemFeatureCount = itemFeatureCount;
        Dimensions = dimensions;
        HistoryEmbedding = new Parameter("history_embedding", itemCount, dimensions.HistoryEmbedding, sparse: true);
        HistoryEmbedding.InitNormal(rng, 0.1);
        ItemEmbedding = new Parameter("item_embedding", itemCount, dimensions.ItemEmbedding, sparse: true);
        ItemEmbedding.InitNormal(rng, 0.1);
        User1 = new Dense("user.dense1", dimensions.HistoryEmbedding + userFeatureCount, dimensions.Hidden, rng);
        User2 = new Dense("user.dense2", dimensions.Hidden, dimensions.Output, rng);
        Item1 = new Dense("item.dense1", dimensions.ItemEmbedding + itemFeatureCount, dimensions.Hidden, rng);
        Item2 = new Dense("item.dense2", dimensions.Hidden, dimensions.Output, rng);
        // zeros, no draw from rng: a network that never drops ids trains exactly as before it existed
        NewItemEmbedding = new Parameter("new_item_embedding", 1, dimensions.ItemEmbedding, sparse: false);
        Parameters =
        [
            HistoryEmbedding,
            ItemEmbedding,
            User1.Weight,
            User1.Bias,
            User2.Weight,
            User2.Bias,
            Item1.Weight,
            Item1.Bias,
            Item2.Weight,
            Item2.Bias,
            NewItemEmbedding,
        ];
    }

    public int ItemCount { get; }

    public int UserFeatureCount { get; }

    public int ItemFeatureCount { get; }

    public TowerDimensions Dimensions { get; }

    public Parameter HistoryEmbedding { get; }

    public Parameter ItemEmbedding { get; }

    /// <summary>
    /// The embedding an item without its own reads (one row): learned when training drops item ids
    /// (<see cref="TrainingOptions.ItemIdDropout"/>, <see cref="LearnsNewItemRow"/>), the item tower's new-item row
    /// (<see cref="Core.Features.FeatureSchema.NewItemRow"/>).
    /// </summary>
    public Parameter NewItemEmbedding { get; }

    /// <summary>
    /// Whether <see cref="NewItemEmbedding"/> was trained (ids were dropped); otherwise the export writes the mean of
    /// the item embeddings there.
    /// </summary>
    public bool LearnsNewItemRow { get; set; }

    public Dense User1 { get; }

    public Dense User2 { get; }

    public Dense Item1 { get; }

    public Dense Item2 { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    public void ForwardUser(UserBatch batch, TowerPass pass)
    {
        var e = Dimensions.HistoryEmbedding;
        var width = e + UserFeatureCount;
        pass.Resize(batch.Rows, width, Dimensions.Hidden, Dimensions.Output);
        var input = pass.Input;
        MatrixOps.ForRanges(
            batch.Rows,
            (start, end) =>
            {
                for (var r = start; r < end; r++)
                {
                    var row = input.AsSpan(r * width, width);
                    var pooled = row[..e];
                    pooled.Clear();
                    var items = batch.HistoryItemsOf(r);
                    var weights = batch.HistoryWeightsOf(r);
                    for (var j = 0; j < items.Length; j++)
                    {
                        if (weights[j] != 0)
                        {
                            TensorPrimitives.MultiplyAdd(
                                HistoryEmbedding.Row((int)items[j]),
                                weights[j],
                                pooled,
                                pooled
                            );
                        }
                    }

                    batch.FeaturesOf(r).CopyTo(row[e..]);
                }
            }
        );
        ForwardMlp(User1, User2, pass);
    }

    public void BackwardUser(UserBatch batch, TowerPass pass, float[] outputGrad)
    {
        var e = Dimensions.HistoryEmbedding;
        BackwardMlp(User1, User2, pass, outputGrad, e);
        for (var r = 0; r < batch.Rows; r++)
        {
            var dPooled = pass.InputGrad.AsSpan(r * e, e);
            var items = batch.HistoryItemsOf(r);
            var weights = batch.HistoryWeightsOf(r);
            for (var j = 0; j < items.Length; j++)
            {
                if (weights[j] != 0)
                {
                    var item = (int)items[j];
                    HistoryEmbedding.Touch(item);
                    var g = HistoryEmbedding.GradRow(item);
                    TensorPrimitives.MultiplyAdd(dPooled, weights[j], g, g);
                }
            }
        }
    }

    /// <summary>
    /// Item tower over <paramref name="items"/>, reading their rows of <paramref name="itemFeatures"/> [itemCount ×
    /// ItemFeatureCount].
    /// </summary>
    /// <param name="items">The items.</param>
    /// <param name="itemFeatures">Every item's features.</param>
    /// <param name="pass">The pass's buffers.</param>
    /// <param name="dropped">Empty, or per item whether its id is dropped: it reads <see cref="NewItemEmbedding"/>
    /// (its features only), as an item the tower never saw does.</param>
    public void ForwardItems(
        ReadOnlySpan<int> items,
        float[] itemFeatures,
        TowerPass pass,
        ReadOnlySpan<bool> dropped = default
    )
    {
        var e = Dimensions.ItemEmbedding;
        var f = ItemFeatureCount;
        var width = e + f;
        pass.Resize(items.Length, width, Dimensions.Hidden, Dimensions.Output);
        for (var r = 0; r < items.Length; r++)
        {
            var row = pass.Input.AsSpan(r * width, width);
            (dropped.IsEmpty || !dropped[r] ? ItemEmbedding.Row(items[r]) : NewItemEmbedding.Row(0)).CopyTo(row);
            itemFeatures.AsSpan(items[r] * f, f).CopyTo(row[e..]);
        }

        ForwardMlp(Item1, Item2, pass);
    }

    public void BackwardItems(
        ReadOnlySpan<int> items,
        TowerPass pass,
        float[] outputGrad,
        ReadOnlySpan<bool> dropped = default
    )
    {
        var e = Dimensions.ItemEmbedding;
        BackwardMlp(Item1, Item2, pass, outputGrad, e);
        for (var r = 0; r < items.Length; r++)
        {
            if (!dropped.IsEmpty && dropped[r])
            {
                var n = NewItemEmbedding.GradRow(0);
                TensorPrimitives.Add(n, pass.InputGrad.AsSpan(r * e, e), n);
                continue;
            }

            ItemEmbedding.Touch(items[r]);
            var g = ItemEmbedding.GradRow(items[r]);
            TensorPrimitives.Add(g, pass.InputGrad.AsSpan(r * e, e), g);
        }
    }

    /// <summary>V_m of every item, [itemCount × Output], computed in chunks.</summary>
    public float[] AllItemVectors(float[] itemFeatures)
    {
        const int Chunk = 4096;
        var d = Dimensions.Output;
        var result = new float[ItemCount * d];
        var pass = new TowerPass();
        var ids = new int[Chunk];
        for (var start = 0; start < ItemCount; start += Chunk)
        {
            var n = Math.Min(Chunk, ItemCount - start);
            for (var i = 0; i < n; i++)
            {
                ids[i] = start + i;
            }

            ForwardItems(ids.AsSpan(0, n), itemFeatures, pass);
            pass.Output.AsSpan(0, n * d).CopyTo(result.AsSpan(start * d));
        }

        return result;
    }

    public void ClearGrads()
    {
        foreach (var p in Parameters)
        {
            p.ClearGrad();
        }
    }

    /// <summary>A copy of every parameter's values (to keep the best epoch).</summary>
    public float[][] Snapshot() => Parameters.Select(p => (float[])p.Value.Clone()).ToArray();

    public void Restore(float[][] snapshot)
    {
        for (var i = 0; i < Parameters.Count; i++)
        {
            snapshot[i].CopyTo(Parameters[i].Value, 0);
        }
    }

    private static void ForwardMlp(Dense first, Dense second, TowerPass pass)
    {
        first.Forward(pass.Input, pass.Rows, pass.Hidden);
        var n = pass.Rows * first.Outputs;
        TensorPrimitives.Max(pass.Hidden.AsSpan(0, n), 0f, pass.Activated.AsSpan(0, n));
        second.Forward(pass.Activated, pass.Rows, pass.Output);
    }

    /// <summary>
    /// Backward through both layers; the input gradient covers only the first <paramref name="embeddingWidth"/>
    /// (trainable) columns.
    /// </summary>
    private static void BackwardMlp(Dense first, Dense second, TowerPass pass, float[] outputGrad, int embeddingWidth)
    {
        second.Backward(pass.Activated, outputGrad, pass.Rows, pass.HiddenGrad, second.Inputs);
        var n = pass.Rows * first.Outputs;
        var hidden = pass.Hidden;
        var grad = pass.HiddenGrad;
        for (var i = 0; i < n; i++)
        {
            if (hidden[i] <= 0)
            {
                grad[i] = 0;
            }
        }

        first.Backward(pass.Input, grad, pass.Rows, pass.InputGrad, embeddingWidth);
    }
}
