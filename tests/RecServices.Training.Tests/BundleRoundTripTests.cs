using RecServices.Core.Bundles;
using RecServices.Serving.Inference;

namespace RecServices.Training.Tests;

/// <summary>
/// A built bundle holds what it claims: the dataset and training record, the item-item tables (exact, or partitioned
/// with measured recall) against brute force, top lists, a loadable user tower.
/// </summary>
public sealed class BundleRoundTripTests
{
    [Fact]
    public void Load_WrittenBundle_HoldsTheDatasetAndTheTrainingRecord()
    {
        var bundle = Bundle.Load(TestBundle.Path);

        Assert.Equal(
            TestBundle.Dataset.Items.Select(i => (i.Id, i.Title, i.Year)),
            bundle.Catalog.Items.Select(i => (i.Id, i.Title, i.Year))
        );
        Assert.Equal(
            TestBundle.Dataset.Items.Select(i => i.Categories),
            bundle.Catalog.Items.Select(i => i.Categories)
        );
        Assert.Equal(TestBundle.Dataset.Categories, bundle.Catalog.Categories);
        Assert.Equal(TestBundle.Dataset.Users, bundle.Users);
        Assert.Equal(TestBundle.Dataset.Interactions.Items.ToArray(), bundle.Interactions!.Items.ToArray());
        Assert.Equal(TestBundle.Dataset.Interactions.Timestamps.ToArray(), bundle.Interactions.Timestamps.ToArray());
        Assert.Equal(TestBundle.Dataset.Fingerprint(), bundle.Manifest.Dataset.Fingerprint);
        Assert.Equal(6, bundle.Manifest.Training.Epochs.Count);
        Assert.InRange(bundle.Manifest.Training.Validation["ndcg@10"], 0.01, 1);
        Assert.All(Bundle.RequiredFiles, name => Assert.Contains(bundle.Manifest.Files, f => f.Name == name));
    }

    [Fact]
    public void Build_SmallCatalog_RecordsTheExactTableAndAnEmbeddingIndexMeasuredOnHeldOutUsers()
    {
        var manifest = TestBundle.Manifest;
        var bundle = Bundle.Load(TestBundle.Path);

        Assert.Equal(("exact", 1.0), (manifest.SimilarItemsBuild!.Kind, manifest.SimilarItemsBuild.Recall));
        var index = manifest.EmbeddingIndex!;
        Assert.Equal((bundle.Index!.Partitions, bundle.Index.Probes), (index.Partitions, index.Probes));
        Assert.Equal(22, index.Partitions); // √500
        Assert.Equal(150, index.Sample); // half of the 300 users tune the probes, the other half measure
        Assert.InRange(index.Recall, 0.85, 1);
        Assert.Contains(
            TestBundle.Log,
            line => line.StartsWith("embedding index: 22 partitions", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void Build_PastTheExactLimit_WritesThePartitionedTableWithItsMeasuredRecall()
    {
        using var dir = new TempDirectory();
        var log = new List<string>();
        var options = TestBundle.Options with
        {
            ExactSimilarMaxItems = 100,
            Refit = false,
            Training = TestBundle.Options.Training with { Epochs = 2 },
        };

        var manifest = new Bundling.BundleBuilder(options, log.Add).Build(TestBundle.Dataset, dir.Path);

        var build = manifest.SimilarItemsBuild!;
        Assert.Equal("partitioned cosine (IVF)", build.Kind);
        Assert.Equal((22, 500), (build.Partitions, build.Sample)); // every item of a catalog under the sample size
        Assert.InRange(build.Recall, 0.9, 1);
        Assert.StartsWith("approximate (partitioned: 22 spherical k-means partitions", manifest.SimilarItemsIndex);
        Assert.Contains(log, line => line.Contains("item-item table: recall@10", StringComparison.Ordinal));
        var bundle = Bundle.Load(dir.Path);
        Assert.All(
            Enumerable.Range(0, bundle.Catalog.Count),
            i => Assert.Equal(options.SimilarItemsK, bundle.Similar!.Of(i).Length)
        );
    }

    [Fact]
    public void Train_OnStructuredSyntheticData_BeatsPopularityOnValidation()
    {
        var training = TestBundle.Manifest.Training;

        // Six epochs on 12,000 interactions (a 10 % carve: with 40 interactions per user a 25 % carve leaves too little
        // to learn from).
        Assert.True(
            training.Validation["ndcg@10"] > 1.15 * training.PopularityValidation["ndcg@10"],
            $"model {training.Validation["ndcg@10"]:F4} vs popularity {training.PopularityValidation["ndcg@10"]:F4}"
        );
    }

    [Fact]
    public void SimilarItems_EqualBruteForceCosineOverTheStoredVectors()
    {
        var bundle = Bundle.Load(TestBundle.Path);
        var v = bundle.Vectors!;
        double Cos(int a, int b)
        {
            double dot = 0,
                na = 0,
                nb = 0;
            for (var d = 0; d < v.Dimension; d++)
            {
                dot += v.Row(a)[d] * (double)v.Row(b)[d];
                na += v.Row(a)[d] * (double)v.Row(a)[d];
                nb += v.Row(b)[d] * (double)v.Row(b)[d];
            }

            return dot / Math.Sqrt(na * nb);
        }

        for (var item = 0; item < v.Count; item += 7)
        {
            var expected = Enumerable
                .Range(0, v.Count)
                .Where(o => o != item)
                .OrderByDescending(o => Cos(item, o))
                .Take(bundle.Similar!.K)
                .ToArray();
            var actual = bundle.Similar!.Of(item).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (var j = 0; j < actual.Length; j++)
            {
                // Same neighbours up to float rounding between near-equal similarities (a tolerance, not rounding to
                // 4 places: two values 1e-7 apart can round to different 4th decimals).
                Assert.Equal(Cos(item, expected[j]), Cos(item, actual[j]), 1e-4);
                Assert.Equal(Cos(item, actual[j]), bundle.Similar.ScoresOf(item)[j], 1e-4);
            }
        }
    }

    [Fact]
    public void TopLists_RankItemsByInteractionCount()
    {
        var bundle = Bundle.Load(TestBundle.Path);
        var counts = new int[TestBundle.Dataset.Items.Count];
        foreach (var item in TestBundle.Dataset.Interactions.Items)
        {
            counts[item]++;
        }

        var expected = Enumerable
            .Range(0, counts.Length)
            .OrderByDescending(i => counts[i])
            .ThenBy(i => i)
            .Take(TestBundle.Options.TopListLength)
            .ToArray();
        Assert.Equal(expected, bundle.Tops!.Global.Items);
        Assert.Equal(TestBundle.Dataset.Categories.Count, bundle.Tops.ByCategory.Count);
        var usCount = Enumerable
            .Range(0, TestBundle.Dataset.Interactions.Count)
            .Where(row => TestBundle.Dataset.Users[TestBundle.Dataset.Interactions.Users[row]].Country == "US")
            .GroupBy(row => TestBundle.Dataset.Interactions.Items[row])
            .Max(g => g.Count());
        Assert.Equal(usCount, bundle.Tops.ByCountry["US"].Scores[0]);
        var action = bundle.Catalog.CategoryIndex["Action"];
        Assert.All(
            bundle.Tops.ByCategory["Action"].Items,
            i => Assert.Contains(action, bundle.Catalog.Items[i].Categories)
        );
    }

    [Fact]
    public void UserTower_LoadsInOnnxRuntime_AndGivesFiniteVectors()
    {
        var bundle = Bundle.Load(TestBundle.Path, BundleParts.Core);
        using var tower = new UserTowerModel(
            bundle.UserTowerPath,
            bundle.Manifest.Schema,
            bundle.Manifest.Towers.Output
        );
        var h = tower.HistoryLength;
        var items = new long[2 * h];
        var weights = new float[2 * h];
        items[0] = 3;
        items[1] = 5;
        weights[0] = weights[1] = 0.5f;
        var features = new float[2 * tower.FeatureCount];
        var output = new float[2 * tower.OutputWidth];

        tower.Run(2, items, weights, features, output);

        Assert.All(output, x => Assert.True(float.IsFinite(x)));
        Assert.NotEqual(output.AsSpan(0, tower.OutputWidth).ToArray(), output.AsSpan(tower.OutputWidth).ToArray());
    }
}
