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
/// Gemm → Relu → Gemm → item_vector. With a <see cref="PopularityTerm"/> both outputs get one more column: the user
/// tower's is the constant −β (a Gemm of the user features with zero weights and bias −β, so it has the batch's rows),
/// the item tower's is Gather(log(1 + n_m), item).
/// </summary>
public static class OnnxTowerExporter
{
    public static void ExportUserTower(TwoTowerNetwork network, FeatureSchema schema, string path) =>
        ExportUserTower([network], schema, path, null);

    /// <summary>
    /// The user tower of an ensemble: each member's tower over the same inputs, outputs concatenated (so the
    /// dot product with the concatenated item vectors is the sum of the members' scores). One member gives
    /// exactly the single-network graph.
    /// </summary>
    public static void ExportUserTower(
        IReadOnlyList<TwoTowerNetwork> members,
        FeatureSchema schema,
        string path,
        PopularityTerm? popularity
    )
    {
        var first = members[0];
        var g = new OnnxGraphBuilder("user_tower");
        g.Input(OnnxGraphBuilder.Value(TowerNames.HistoryItems, DataType.Int64, -1, schema.HistoryLength));
        g.Input(OnnxGraphBuilder.Value(TowerNames.HistoryWeights, DataType.Float, -1, schema.HistoryLength));
        g.Input(OnnxGraphBuilder.Value(TowerNames.UserFeatures, DataType.Float, -1, first.UserFeatureCount));
        g.Output(
            OnnxGraphBuilder.Value(
                TowerNames.UserVector,
                DataType.Float,
                -1,
                members.Sum(m => m.Dimensions.Output) + (popularity is null ? 0 : 1)
            )
        );
        g.Int64Initializer("axis_1", [1L], 1);
        g.Node("Unsqueeze", [TowerNames.HistoryWeights, "axis_1"], "history_weights_row");
        if (popularity is not null)
        {
            g.FloatInitializer("popularity_user_weight", new float[first.UserFeatureCount], first.UserFeatureCount, 1);
            g.FloatInitializer("popularity_user_bias", [popularity.UserComponent], 1);
            g.Node(
                "Gemm",
                [TowerNames.UserFeatures, "popularity_user_weight", "popularity_user_bias"],
                PopularityColumn
            );
        }

        EachMember(
            g,
            members,
            TowerNames.UserVector,
            popularity is null ? null : PopularityColumn,
            (network, p, output) =>
            {
                g.FloatInitializer(
                    p + "history_embedding",
                    network.HistoryEmbedding.Value,
                    network.ItemCount,
                    network.Dimensions.HistoryEmbedding
                );
                g.Node(
                    "Gather",
                    [p + "history_embedding", TowerNames.HistoryItems],
                    p + "history_vectors",
                    OnnxGraphBuilder.IntAttribute("axis", 0)
                );
                g.Node("MatMul", ["history_weights_row", p + "history_vectors"], p + "pooled_row");
                g.Node("Squeeze", [p + "pooled_row", "axis_1"], p + "pooled");
                g.Node(
                    "Concat",
                    [p + "pooled", TowerNames.UserFeatures],
                    p + "user_input",
                    OnnxGraphBuilder.IntAttribute("axis", 1)
                );
                Mlp(g, p + "user", network.User1, network.User2, p + "user_input", output);
            }
        );
        Save(g.Build(Metadata("user", members, schema, popularity)), path);
    }

    public static void ExportItemTower(TwoTowerNetwork network, FeatureSchema schema, string path) =>
        ExportItemTower([network], schema, path, null);

    /// <summary>
    /// The item tower of an ensemble: the members' item vectors concatenated (then the popularity column, if any).
    /// </summary>
    public static void ExportItemTower(
        IReadOnlyList<TwoTowerNetwork> members,
        FeatureSchema schema,
        string path,
        PopularityTerm? popularity
    )
    {
        var first = members[0];
        var g = new OnnxGraphBuilder("item_tower");
        g.Input(OnnxGraphBuilder.Value(TowerNames.Item, DataType.Int64, -1));
        g.Input(OnnxGraphBuilder.Value(TowerNames.ItemFeatures, DataType.Float, -1, first.ItemFeatureCount));
        g.Output(
            OnnxGraphBuilder.Value(
                TowerNames.ItemVector,
                DataType.Float,
                -1,
                members.Sum(m => m.Dimensions.Output) + (popularity is null ? 0 : 1)
            )
        );
        if (popularity is not null)
        {
            // A new item's row has no interactions: log(1 + 0) = 0.
            float[] component = schema.NewItemRow is null
                ? popularity.ItemComponent
                : [.. popularity.ItemComponent, 0f];
            g.FloatInitializer("popularity_item_component", component, component.Length, 1);
            g.Node(
                "Gather",
                ["popularity_item_component", TowerNames.Item],
                PopularityColumn,
                OnnxGraphBuilder.IntAttribute("axis", 0)
            );
        }

        EachMember(
            g,
            members,
            TowerNames.ItemVector,
            popularity is null ? null : PopularityColumn,
            (network, p, output) =>
            {
                var rows = schema.NewItemRow is null ? network.ItemCount : network.ItemCount + 1;
                g.FloatInitializer(
                    p + "item_embedding",
                    schema.NewItemRow is null ? network.ItemEmbedding.Value
                        : network.LearnsNewItemRow ? [.. network.ItemEmbedding.Value, .. network.NewItemEmbedding.Value]
                        : WithMeanRow(network.ItemEmbedding.Value, network.ItemCount, network.Dimensions.ItemEmbedding),
                    rows,
                    network.Dimensions.ItemEmbedding
                );
                g.Node(
                    "Gather",
                    [p + "item_embedding", TowerNames.Item],
                    p + "item_id_vector",
                    OnnxGraphBuilder.IntAttribute("axis", 0)
                );
                g.Node(
                    "Concat",
                    [p + "item_id_vector", TowerNames.ItemFeatures],
                    p + "item_input",
                    OnnxGraphBuilder.IntAttribute("axis", 1)
                );
                Mlp(g, p + "item", network.Item1, network.Item2, p + "item_input", output);
            }
        );
        Save(g.Build(Metadata("item", members, schema, popularity)), path);
    }

    /// <summary>
    /// Adds each member's tower through <paramref name="tower"/> (network, name prefix, output name), then
    /// concatenates the members' outputs and the <paramref name="extra"/> column (if any) into
    /// <paramref name="output"/>. A single network without an extra column writes <paramref name="output"/> itself,
    /// unprefixed, so its graph stays exactly the single-network graph.
    /// </summary>
    private static void EachMember(
        OnnxGraphBuilder g,
        IReadOnlyList<TwoTowerNetwork> members,
        string output,
        string? extra,
        Action<TwoTowerNetwork, string, string> tower
    )
    {
        if (members.Count == 1 && extra is null)
        {
            tower(members[0], string.Empty, output);
            return;
        }

        var outputs = members.Select((_, i) => $"m{i}_{output}").ToList();
        for (var i = 0; i < members.Count; i++)
        {
            tower(members[i], $"m{i}_", outputs[i]);
        }

        if (extra is not null)
        {
            outputs.Add(extra);
        }

        g.Node("Concat", outputs.ToArray(), output, OnnxGraphBuilder.IntAttribute("axis", 1));
    }

    /// <summary>
    /// The <paramref name="count"/> × <paramref name="width"/> embedding with one more row, the mean of the others:
    /// the row of <see cref="FeatureSchema.NewItemRow"/>, what an item the tower was not trained on reads.
    /// </summary>
    private static float[] WithMeanRow(float[] embedding, int count, int width)
    {
        var result = new float[(count + 1) * width];
        embedding.AsSpan(0, count * width).CopyTo(result);
        var mean = result.AsSpan(count * width, width);
        for (var i = 0; i < count; i++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(mean, embedding.AsSpan(i * width, width), mean);
        }

        System.Numerics.Tensors.TensorPrimitives.Divide(mean, count, mean);
        return result;
    }

    /// <summary>The popularity term's column in either tower.</summary>
    private const string PopularityColumn = "popularity_column";

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

    private static Dictionary<string, string> Metadata(
        string tower,
        IReadOnlyList<TwoTowerNetwork> members,
        FeatureSchema schema,
        PopularityTerm? popularity
    ) =>
        new()
        {
            ["recservices.popularity_penalty"] = (popularity?.Beta ?? 0).ToString(
                System.Globalization.CultureInfo.InvariantCulture
            ),
            ["recservices.tower"] = tower,
            ["recservices.items"] = members[0].ItemCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["recservices.new_item_row"] =
                schema.NewItemRow?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none",
            ["recservices.ensemble_members"] = members.Count.ToString(
                System.Globalization.CultureInfo.InvariantCulture
            ),
            ["recservices.user_features"] = string.Join(",", schema.UserFeatureNames),
            ["recservices.item_features"] = string.Join(",", schema.ItemFeatureNames),
        };

    /// <summary>Initializers from this size on are stored outside the model file (ONNX external data).</summary>
    public const int ExternalDataMinBytes = 1 << 20;

    /// <summary>The external data file of the tower saved at <paramref name="modelPath"/>.</summary>
    public static string ExternalDataPath(string modelPath) => modelPath + ".data";

    /// <summary>
    /// Writes the model; initializers of <see cref="ExternalDataMinBytes"/> or more (the id embedding tables: N × D
    /// floats) go to <see cref="ExternalDataPath"/> at page-aligned offsets as ONNX external data, which ONNX
    /// Runtime maps into memory instead of parsing and copying: at a million items a session then opens in
    /// milliseconds, and its table is page cache shared with every process that maps it.
    /// </summary>
    private static void Save(ModelProto model, string path)
    {
        var dataPath = ExternalDataPath(path);
        var large = model.Graph.Initializer.Where(t => t.RawData.Length >= ExternalDataMinBytes).ToList();
        if (large.Count > 0)
        {
            using var data = File.Create(dataPath);
            foreach (var tensor in large)
            {
                var offset = (data.Position + 4095) / 4096 * 4096;
                data.SetLength(offset);
                data.Position = offset;
                tensor.RawData.WriteTo(data);
                tensor.ExternalData.Add(
                    new StringStringEntryProto { Key = "location", Value = Path.GetFileName(dataPath) }
                );
                tensor.ExternalData.Add(
                    new StringStringEntryProto
                    {
                        Key = "offset",
                        Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    }
                );
                tensor.ExternalData.Add(
                    new StringStringEntryProto
                    {
                        Key = "length",
                        Value = tensor.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    }
                );
                tensor.DataLocation = TensorProto.Types.DataLocation.External;
                tensor.RawData = ByteString.Empty;
            }
        }
        else if (File.Exists(dataPath))
        {
            File.Delete(dataPath);
        }

        using var stream = File.Create(path);
        model.WriteTo(stream);
    }
}
