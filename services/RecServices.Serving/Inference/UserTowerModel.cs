using RecServices.Core.Features;

namespace RecServices.Serving.Inference;

/// <summary>The bundle's user tower: history items, history weights and user features in, V_u out.</summary>
public sealed class UserTowerModel : IDisposable
{
    private readonly OnnxTowerSession _session;

    public UserTowerModel(string path, FeatureSchema schema, int outputWidth, int threads = 1)
    {
        HistoryLength = schema.HistoryLength;
        FeatureCount = schema.UserFeatureNames.Count;
        _session = new OnnxTowerSession(
            path,
            [
                (TowerNames.HistoryItems, HistoryLength),
                (TowerNames.HistoryWeights, HistoryLength),
                (TowerNames.UserFeatures, FeatureCount),
            ],
            TowerNames.UserVector,
            outputWidth,
            threads
        );
    }

    public int HistoryLength { get; }

    public int FeatureCount { get; }

    public int OutputWidth => _session.OutputWidth;

    /// <summary>
    /// V_u for <paramref name="rows"/> users; buffers are [rows × HistoryLength], [rows × HistoryLength], [rows ×
    /// FeatureCount], [rows × OutputWidth].
    /// </summary>
    public void Run(
        int rows,
        Memory<long> historyItems,
        Memory<float> historyWeights,
        Memory<float> features,
        Memory<float> output
    ) =>
        _session.Run(
            rows,
            [
                TowerInput.Ids(historyItems, HistoryLength),
                TowerInput.Values(historyWeights, HistoryLength),
                TowerInput.Values(features, FeatureCount),
            ],
            output
        );

    public void Dispose() => _session.Dispose();
}
