using Google.Protobuf;
using Onnx;
using RecServices.Core.Features;
using RecServices.Serving.Inference;
using RecServices.Training.Model;
using RecServices.Training.Nn;
using DataType = Onnx.TensorProto.Types.DataType;

namespace RecServices.Training.Onnx;

/// <summary>
/// The explicit export step from the training-time <see cref="TwoTowerNetwork"/> to the serving-time
/// models: two standard ONNX files (opset 17) whose inputs and outputs are named in
/// <see cref="TowerNames"/> and shaped as <see cref="FeatureSchema"/> documents.
/// User tower: Gather(history_embedding, history_items) → weights·(…) (MatMul) → Concat(user_features) →
/// Gemm → Relu → Gemm → user_vector. Item tower: Gather(item_embedding, item) → Concat(item_features) →
/// Gemm → Relu → Gemm → item_vector.
/// </summary>
public static class OnnxTowerExporter
{
    public static void ExportUserTower(TwoTowerNetwork network, FeatureSchema schema, string path)
    {
        var dims = network.Dimensions;
        var g = new OnnxGraphBuilder("user_tower");
        g.Input(OnnxGraphBuilder.Value(TowerNames.HistoryItems, DataType.Int64, -1, schema.HistoryLength));
        g.Input(OnnxGraphBuilder.Value(TowerNames.HistoryWeights, DataType.Float, -1, schema.HistoryLength));
        g.Input(OnnxGraphBuilder.Value(TowerNames.UserFeatures, DataType.Float, -1, network.UserFeatureCount));
        g.Output(OnnxGraphBuilder.Value(TowerNames.UserVector, DataType.Float, -1, dims.Output));
        g.FloatInitializer("history_embedding", network.HistoryEmbedding.Value, network.ItemCount, dims.HistoryEmbedding);
        g.Int64Initializer("axis_1", [1L], 1);
        g.Node("Gather", ["history_embedding", TowerNames.HistoryItems], "history_vectors", OnnxGraphBuilder.IntAttribute("axis", 0));
        g.Node("Unsqueeze", [TowerNames.HistoryWeights, "axis_1"], "history_weights_row");
        g.Node("MatMul", ["history_weights_row", "history_vectors"], "pooled_row");
        g.Node("Squeeze", ["pooled_row", "axis_1"], "pooled");
        g.Node("Concat", ["pooled", TowerNames.UserFeatures], "user_input", OnnxGraphBuilder.IntAttribute("axis", 1));
        Mlp(g, "user", network.User1, network.User2, "user_input", TowerNames.UserVector);
        Save(g.Build(Metadata("user", network, schema)), path);
    }

    public static void ExportItemTower(TwoTowerNetwork network, FeatureSchema schema, string path)
    {
        var dims = network.Dimensions;
        var g = new OnnxGraphBuilder("item_tower");
        g.Input(OnnxGraphBuilder.Value(TowerNames.Item, DataType.Int64, -1));
        g.Input(OnnxGraphBuilder.Value(TowerNames.ItemFeatures, DataType.Float, -1, network.ItemFeatureCount));
        g.Output(OnnxGraphBuilder.Value(TowerNames.ItemVector, DataType.Float, -1, dims.Output));
        g.FloatInitializer("item_embedding", network.ItemEmbedding.Value, network.ItemCount, dims.ItemEmbedding);
        g.Node("Gather", ["item_embedding", TowerNames.Item], "item_id_vector", OnnxGraphBuilder.IntAttribute("axis", 0));
        g.Node("Concat", ["item_id_vector", TowerNames.ItemFeatures], "item_input", OnnxGraphBuilder.IntAttribute("axis", 1));
        Mlp(g, "item", network.Item1, network.Item2, "item_input", TowerNames.ItemVector);
        Save(g.Build(Metadata("item", network, schema)), path);
    }

    private static void Mlp(OnnxGraphBuilder g, string prefix, Dense first, Dense second, string input, string output)
    {
        g.FloatInitializer(prefix + "_w1", first.Weight.Value, first.Inputs, first.Outputs);
        g.FloatInitializer(prefix + "_b1", first.Bias.Value, first.Outputs);
        g.FloatInitializer(prefix + "_w2", second.Weight.Value, second.Inputs, second.Outputs);
        g.FloatInitializer(prefix + "_b2", second.Bias.Value, second.Outputs);
        g.Node("Gemm", [input, prefix + "_w1", prefix + "_b1"], prefix + "_hidden");
        g.Node("Relu", [prefix + "_hidden"], prefix + "_activated");
        g.Node("Gemm", [prefix + "_activated", prefix + "_w2", prefix + "_b2"], output);
    }

    private static Dictionary<string, string> Metadata(string tower, TwoTowerNetwork network, FeatureSchema schema) => new()
    {
        ["recservices.tower"] = tower,
        ["recservices.items"] = network.ItemCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["recservices.user_features"] = string.Join(",", schema.UserFeatureNames),
        ["recservices.item_features"] = string.Join(",", schema.ItemFeatureNames),
    };

    private static void Save(ModelProto model, string path)
    {
        using var stream = File.Create(path);
        model.WriteTo(stream);
    }
}
