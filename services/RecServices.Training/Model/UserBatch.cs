namespace RecServices.Training.Model;

/// <summary>
/// User tower inputs for a batch, laid out as the ONNX user tower reads them: history item indices and
/// weights [rows × HistoryLength] and dense features [rows × FeatureCount].
/// </summary>
public sealed class UserBatch
{
    public UserBatch(int capacity, int historyLength, int featureCount)
    {
        Capacity = capacity;
        HistoryLength = historyLength;
        FeatureCount = featureCount;
        HistoryItems = new long[capacity * historyLength];
        HistoryWeights = new float[capacity * historyLength];
        Features = new float[capacity * featureCount];
    }

    public int Capacity { get; }

    public int Rows { get; set; }

    public int HistoryLength { get; }

    public int FeatureCount { get; }

    public long[] HistoryItems { get; }

    public float[] HistoryWeights { get; }

    public float[] Features { get; }

    public Span<long> HistoryItemsOf(int row) => HistoryItems.AsSpan(row * HistoryLength, HistoryLength);

    public Span<float> HistoryWeightsOf(int row) => HistoryWeights.AsSpan(row * HistoryLength, HistoryLength);

    public Span<float> FeaturesOf(int row) => Features.AsSpan(row * FeatureCount, FeatureCount);
}
