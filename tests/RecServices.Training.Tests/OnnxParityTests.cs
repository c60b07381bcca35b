using RecServices.Core.Bundles;
using RecServices.Core.Features;
using RecServices.Serving.Inference;
using RecServices.Training.Model;
using RecServices.Training.Onnx;

namespace RecServices.Training.Tests;

/// <summary>
/// The exported ONNX towers compute what the C# forward pass does (also with external data and ensembles), and the
/// parity check cannot pass on NaN.
/// </summary>
public sealed class OnnxParityTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "recs-onnx-" + Guid.NewGuid().ToString("N"));

    public OnnxParityTests() => Directory.CreateDirectory(_dir);

    [Fact]
    public void ExportedTowers_InOnnxRuntime_EqualTheCSharpForwardPass()
    {
        const int Items = 50;
        var categories = new[] { "a", "b", "c" };
        var schema = TestSchemas.For(categories, 6);
        var network = new TwoTowerNetwork(
            Items,
            schema.UserFeatureNames.Count,
            schema.ItemFeatureNames.Count,
            new TowerDimensions(8, 6, 12, 5),
            seed: 9
        );
        var rng = new Random(1);
        var itemFeatures = Enumerable
            .Range(0, Items * schema.ItemFeatureNames.Count)
            .Select(_ => (float)(rng.NextDouble() * 2 - 1))
            .ToArray();
        var itemCategories = Enumerable.Range(0, Items).Select(i => new[] { i % 3 }).ToArray();
        var features = new UserFeatures(schema, itemCategories);
        var users = new UserBatch(4, schema.HistoryLength, features.Width) { Rows = 4 };
        int[][] histories =
        [
            [],
            [4],
            [1, 2, 3],
            [5, 6, 7, 8, 9, 10, 11, 12],
        ]; // empty, short, and longer than the history length
        for (var r = 0; r < 4; r++)
        {
            features.Fill(
                histories[r],
                r == 0 ? null : 20 + r,
                r % 2 == 0 ? "M" : "F",
                users.HistoryItemsOf(r),
                users.HistoryWeightsOf(r),
                users.FeaturesOf(r)
            );
        }

        var userPath = Path.Combine(_dir, "user.onnx");
        var itemPath = Path.Combine(_dir, "item.onnx");
        OnnxTowerExporter.ExportUserTower(network, schema, userPath);
        OnnxTowerExporter.ExportItemTower(network, schema, itemPath);
        using var userModel = new UserTowerModel(userPath, schema, 5);
        using var itemModel = new ItemTowerModel(itemPath, schema.ItemFeatureNames.Count, 5, threads: 1);

        Assert.InRange(OnnxParity.UserTower(network, userModel, users), 0, 1e-5);
        Assert.InRange(
            OnnxParity.ItemTower(network, itemModel, Enumerable.Range(0, Items).ToArray(), itemFeatures),
            0,
            1e-5
        );
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ExportedItemTower_NewItemRow_IsTheNetworkWithTheIdDropped_LearnedOrTheMeanEmbedding(bool learned)
    {
        const int Items = 40;
        var schema = TestSchemas.For(["a", "b", "c"], 6) with { NewItemRow = Items, NewItemRating = 3.5 };
        var network = new TwoTowerNetwork(
            Items,
            schema.UserFeatureNames.Count,
            schema.ItemFeatureNames.Count,
            new TowerDimensions(8, 6, 12, 5),
            seed: 11
        )
        {
            LearnsNewItemRow = learned,
        };
        var rng = new Random(2);
        var e = network.Dimensions.ItemEmbedding;
        for (var j = 0; j < e; j++)
        {
            network.NewItemEmbedding.Value[j] = learned
                ? (float)(rng.NextDouble() - 0.5)
                : Enumerable.Range(0, Items).Average(i => network.ItemEmbedding.Value[(i * e) + j]);
        }

        var f = schema.ItemFeatureNames.Count;
        var itemFeatures = Enumerable.Range(0, Items * f).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var path = Path.Combine(_dir, "item-new-row.onnx");
        OnnxTowerExporter.ExportItemTower(network, schema, path);
        using var model = new ItemTowerModel(path, f, 5, threads: 1);
        var pass = new TowerPass();
        network.ForwardItems([3, 7], itemFeatures, pass, [true, true]); // two items read as if new
        var expected = pass.Output.AsSpan(0, 2 * 5).ToArray();
        var features = itemFeatures
            .AsSpan(3 * f, f)
            .ToArray()
            .Concat(itemFeatures.AsSpan(7 * f, f).ToArray())
            .ToArray();
        var output = new float[2 * 5];

        model.Run(2, new long[] { Items, Items }, features, output);

        Assert.InRange(OnnxParity.MaxRelativeDifference(expected, output, 5), 0, 1e-5);
    }

    [Fact]
    public void ExportedTowers_LargeIdEmbeddings_GoToExternalDataThatOnnxRuntimeReads()
    {
        const int Items = 5_000; // 5,000 × 64 floats = 1.28 MB per id embedding table: past the external-data threshold
        var schema = TestSchemas.For(["a", "b"], 6);
        var network = new TwoTowerNetwork(
            Items,
            schema.UserFeatureNames.Count,
            schema.ItemFeatureNames.Count,
            new TowerDimensions(64, 64, 16, 8),
            seed: 4
        );
        var rng = new Random(3);
        var itemFeatures = Enumerable
            .Range(0, Items * schema.ItemFeatureNames.Count)
            .Select(_ => (float)(rng.NextDouble() * 2 - 1))
            .ToArray();
        var features = new UserFeatures(schema, Enumerable.Range(0, Items).Select(i => new[] { i % 2 }).ToArray());
        var users = new UserBatch(2, schema.HistoryLength, features.Width) { Rows = 2 };
        features.Fill(
            [1, 4_999, 2_500],
            30,
            "F",
            users.HistoryItemsOf(0),
            users.HistoryWeightsOf(0),
            users.FeaturesOf(0)
        );
        features.Fill([], null, null, users.HistoryItemsOf(1), users.HistoryWeightsOf(1), users.FeaturesOf(1));
        var userPath = Path.Combine(_dir, "big_user.onnx");
        var itemPath = Path.Combine(_dir, "big_item.onnx");

        OnnxTowerExporter.ExportUserTower(network, schema, userPath);
        OnnxTowerExporter.ExportItemTower(network, schema, itemPath);

        // The tables live in the side files; the model files keep only the graph and the small weights.
        Assert.InRange(
            new FileInfo(OnnxTowerExporter.ExternalDataPath(userPath)).Length,
            Items * 64 * 4,
            (Items * 64 * 4) + 4096
        );
        Assert.InRange(new FileInfo(userPath).Length, 0, OnnxTowerExporter.ExternalDataMinBytes);
        using var userModel = new UserTowerModel(userPath, schema, 8);
        using var itemModel = new ItemTowerModel(itemPath, schema.ItemFeatureNames.Count, 8, threads: 1);
        Assert.InRange(OnnxParity.UserTower(network, userModel, users), 0, 1e-5);
        Assert.InRange(OnnxParity.ItemTower(network, itemModel, [0, 1, 2_500, 4_999], itemFeatures), 0, 1e-5);
    }

    [Fact]
    public void EnsembleTowers_InOnnxRuntime_ConcatenateTheMembersSoScoresAreTheirSum()
    {
        const int Items = 30;
        var schema = TestSchemas.For(["a", "b"], 5);
        var dims = new TowerDimensions(6, 6, 10, 4);
        TwoTowerNetwork[] members =
        [
            .. Enumerable
                .Range(0, 3)
                .Select(s => new TwoTowerNetwork(
                    Items,
                    schema.UserFeatureNames.Count,
                    schema.ItemFeatureNames.Count,
                    dims,
                    seed: 20 + s
                )),
        ];
        var rng = new Random(2);
        var itemFeatures = Enumerable
            .Range(0, Items * schema.ItemFeatureNames.Count)
            .Select(_ => (float)(rng.NextDouble() * 2 - 1))
            .ToArray();
        var features = new UserFeatures(schema, Enumerable.Range(0, Items).Select(i => new[] { i % 2 }).ToArray());
        var users = new UserBatch(2, schema.HistoryLength, features.Width) { Rows = 2 };
        features.Fill([1, 2, 3], 30, "F", users.HistoryItemsOf(0), users.HistoryWeightsOf(0), users.FeaturesOf(0));
        features.Fill([7], null, null, users.HistoryItemsOf(1), users.HistoryWeightsOf(1), users.FeaturesOf(1));
        var userPath = Path.Combine(_dir, "ensemble_user.onnx");
        var itemPath = Path.Combine(_dir, "ensemble_item.onnx");

        OnnxTowerExporter.ExportUserTower(members, schema, userPath, null);
        OnnxTowerExporter.ExportItemTower(members, schema, itemPath, null);
        using var userModel = new UserTowerModel(userPath, schema, 3 * dims.Output);
        using var itemModel = new ItemTowerModel(itemPath, schema.ItemFeatureNames.Count, 3 * dims.Output, threads: 1);

        Assert.InRange(OnnxParity.UserTower(members, userModel, users), 0, 1e-5);
        var onnxUsers = new float[2 * 3 * dims.Output];
        userModel.Run(2, users.HistoryItems, users.HistoryWeights, users.Features, onnxUsers);
        var onnxItems = itemModel.AllItemVectors(Items, itemFeatures);
        for (var item = 0; item < Items; item++)
        {
            // The ensemble's score is the sum of the members' own scores.
            var sum = 0.0;
            foreach (var member in members)
            {
                var pass = new TowerPass();
                member.ForwardUser(users, pass);
                var v = member.AllItemVectors(itemFeatures);
                sum += System.Numerics.Tensors.TensorPrimitives.Dot(
                    pass.Output.AsSpan(0, dims.Output),
                    v.AsSpan(item * dims.Output, dims.Output)
                );
            }

            var served = System.Numerics.Tensors.TensorPrimitives.Dot(
                onnxUsers.AsSpan(0, 3 * dims.Output),
                onnxItems.AsSpan(item * 3 * dims.Output, 3 * dims.Output)
            );
            Assert.Equal(sum, served, 4);
        }
    }

    [Fact]
    public void MaxRelativeDifference_NaNOrInfinityOnEitherSide_NeverPasses()
    {
        Assert.Equal(double.PositiveInfinity, OnnxParity.MaxRelativeDifference([1f, 2f], [1f, float.NaN], 2));
        Assert.Equal(double.PositiveInfinity, OnnxParity.MaxRelativeDifference([float.NaN, 2f], [float.NaN, 2f], 2));
        Assert.Equal(
            double.PositiveInfinity,
            OnnxParity.MaxRelativeDifference([1f, 2f], [float.PositiveInfinity, 2f], 2)
        );
    }

    [Fact]
    public void MaxRelativeDifference_IsRelativeToEachVectorsSize()
    {
        // Small vectors: an absolute error of 1e-4 is 10 % of their size (an absolute-below-1 check passed it).
        Assert.Equal(0.1, OnnxParity.MaxRelativeDifference([0.001f, -0.0005f], [0.0011f, -0.0005f], 2), 3);

        // Large vectors: the same relative error, whatever the scale; each row is judged on its own scale.
        Assert.Equal(0.1, OnnxParity.MaxRelativeDifference([1000f, 10f, 1f, 0f], [1000f, 110f, 1f, 0f], 2), 6);
        Assert.Equal(0, OnnxParity.MaxRelativeDifference([0f, 0f], [0f, 0f], 2));
    }

    [Fact]
    public void UserTowerModel_WrongSchemaWidth_IsRefusedNamingTheFile()
    {
        var categories = new[] { "a" };
        var schema = TestSchemas.For(categories, 4);
        var network = new TwoTowerNetwork(
            10,
            schema.UserFeatureNames.Count,
            schema.ItemFeatureNames.Count,
            new TowerDimensions(4, 4, 4, 4),
            seed: 1
        );
        var path = Path.Combine(_dir, "user_tower.onnx");
        OnnxTowerExporter.ExportUserTower(network, schema, path);

        var e = Assert.Throws<BundleFormatException>(() =>
            new UserTowerModel(path, schema with { HistoryLength = 9 }, 4)
        );

        Assert.Contains("user_tower.onnx", e.Message);
        Assert.Contains("history_items", e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
