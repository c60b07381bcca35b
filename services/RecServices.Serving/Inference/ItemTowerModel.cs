namespace RecServices.Serving.Inference;

/// <summary>
/// The bundle's item tower: item index and item features in, V_m out (run offline to precompute V_m).
/// </summary>
public sealed class ItemTowerModel : IDisposable
{
    private readonly OnnxTowerSession _session;

    public ItemTowerModel(string path, int featureCount, int outputWidth, int threads)
    {
        FeatureCount = featureCount;
        _session = new OnnxTowerSession(
            path,
            [(TowerNames.Item, 0), (TowerNames.ItemFeatures, featureCount)],
            TowerNames.ItemVector,
            outputWidth,
            threads
        );
    }

    public int FeatureCount { get; }

    public int OutputWidth => _session.OutputWidth;

    public void Run(int rows, Memory<long> items, Memory<float> features, Memory<float> output) =>
        _session.Run(rows, [TowerInput.Ids(items, 0), TowerInput.Values(features, FeatureCount)], output);

    /// <summary>V_m of every item, [itemCount × OutputWidth], in batches.</summary>
    public float[] AllItemVectors(int itemCount, float[] itemFeatures)
    {
        const int Batch = 8192;
        var result = new float[itemCount * OutputWidth];
        var ids = new long[Batch];
        for (var start = 0; start < itemCount; start += Batch)
        {
            var n = Math.Min(Batch, itemCount - start);
            for (var i = 0; i < n; i++)
            {
                ids[i] = start + i;
            }

            Run(
                n,
                ids,
                itemFeatures.AsMemory(start * FeatureCount, n * FeatureCount),
                result.AsMemory(start * OutputWidth, n * OutputWidth)
            );
        }

        return result;
    }

    public void Dispose() => _session.Dispose();
}
