namespace RecServices.Serving.Inference;

/// <summary>Input and output names of the exported ONNX towers.</summary>
public static class TowerNames
{
    public const string HistoryItems = "history_items";
    public const string HistoryWeights = "history_weights";
    public const string UserFeatures = "user_features";
    public const string UserVector = "user_vector";
    public const string Item = "item";
    public const string ItemFeatures = "item_features";
    public const string ItemVector = "item_vector";
}
