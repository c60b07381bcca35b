using RecServices.Datasets;
using RecServices.Training.Bundling;

namespace RecServices.FunctionalTests;

/// <summary>
/// A team's own data, end to end: a music service's export (songs with tags, listeners with countries, plays with
/// counts; not movies) written as Parquet, read, trained into a bundle by the project's own pipeline and served by the
/// three real hosts, whose answers carry the category and country sources of each listener.
/// </summary>
public sealed class OwnDataTests
{
    [Fact]
    public async Task Songs_FromParquet_TrainAndServeListsWithCategoryAndCountrySources()
    {
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "csv");
        var parquet = Path.Combine(dir.Path, "parquet");
        SongsDataset.Write(csv, seed: 11, listeners: 250, songs: 200, artists: 40);
        var (exported, _) = await DatasetReader.LoadAsync(csv, strict: true, CancellationToken.None);
        await TableDatasetWriter.WriteAsync(exported, parquet, parquet: true, CancellationToken.None);
        var (data, _) = await DatasetReader.LoadAsync(parquet, strict: true, CancellationToken.None);
        Assert.Equal(exported.Fingerprint(), data.Fingerprint());
        var bundle = Path.Combine(dir.Path, "bundle");
        var manifest = new BundleBuilder(TestBundle.Options, _ => { }).Build(data, bundle);
        Assert.Contains("attribute:artist:other", manifest.Schema.ItemFeatureNames);

        await using var system = await ServiceSystem.StartAsync(bundle, inMemory: true);
        var kinds = new HashSet<string>();
        foreach (var user in data.Users.Take(25))
        {
            var items = await system.RecommendAsync(user.Id, 10);

            Assert.Equal(10, items.Count);
            Assert.All(items, i => Assert.False(i.Degraded, i.DegradedReason));
            foreach (var source in items.SelectMany(i => i.Sources))
            {
                kinds.Add(source.Kind);
                if (source.Kind == "country")
                {
                    Assert.Equal(user.Country, source.Key);
                }
                else if (source.Kind == "category")
                {
                    Assert.Contains(source.Key, data.Categories);
                }
            }
        }

        Assert.Contains("category", kinds);
        Assert.Contains("country", kinds);
        Assert.DoesNotContain("genre", kinds);
    }
}
