using RecServices.Core.Data;

namespace RecServices.Datasets.Tests;

/// <summary>
/// Guards that writing a dataset in the table format and reading it back gives the same dataset (its fingerprint
/// covers every category, item, attribute, user and interaction), in Parquet and in CSV, and that MovieLens 100K
/// converted reads back as the MovieLens loader reads it.
/// </summary>
public sealed class TableRoundTripTests
{
    private static readonly SyntheticOptions Small = new()
    {
        Users = 300,
        Items = 400,
        Interactions = 6_000,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteThenRead_Synthetic_SameFingerprint(bool parquet)
    {
        using var dir = new TempDirectory();
        var dataset = SyntheticDataset.Generate(Small);
        await TableDatasetWriter.WriteAsync(dataset, dir.Path, parquet, CancellationToken.None);

        var (read, report) = await DatasetReader.LoadAsync(dir.Path, strict: true, CancellationToken.None);

        Assert.Equal(dataset.Fingerprint(), read.Fingerprint());
        Assert.NotNull(report);
        Assert.Equal(dataset.Items.Count, report.ListedItems);
        Assert.Equal(0, report.InteractionsWithUnknownItems);
        Assert.True(report.HasTimestamps);
    }

    [Fact]
    public async Task WriteThenRead_CountsAndAttributes_SameFingerprint()
    {
        using var dir = new TempDirectory();
        var source = SyntheticDataset.Generate(Small);
        var rows = new InteractionTable(source.Interactions.Count);
        for (var row = 0; row < source.Interactions.Count; row++)
        {
            var kind = source.Interactions.Kinds[row];
            var weight = kind == InteractionKind.Rated ? source.Interactions.Ratings[row] : 1 + (row % 7);
            rows.Add(
                source.Interactions.Users[row],
                source.Interactions.Items[row],
                weight,
                source.Interactions.Timestamps[row],
                kind
            );
        }

        var n = source.Items.Count;
        var dataset = new Dataset(source.Name, source.Categories, source.Items, source.Users, rows)
        {
            ItemAttributes =
            [
                ItemAttribute.Numeric(
                    "price",
                    [.. Enumerable.Range(0, n).Select(i => i % 5 == 0 ? float.NaN : i * 0.25f)]
                ),
                ItemAttribute.Categorical(
                    "brand",
                    [.. Enumerable.Range(0, n).Select(i => i % 4 - 1)],
                    ["acme", "globex", "initech"]
                ),
            ],
        };

        foreach (var parquet in new[] { true, false })
        {
            var folder = Path.Combine(dir.Path, parquet ? "parquet" : "csv");
            await TableDatasetWriter.WriteAsync(dataset, folder, parquet, CancellationToken.None);
            var (read, report) = await DatasetReader.LoadAsync(folder, strict: true, CancellationToken.None);

            Assert.Equal(dataset.Fingerprint(), read.Fingerprint());
            Assert.True(report!.CountedRows > 0);
            Assert.Equal(["price", "brand"], read.ItemAttributes.Select(a => a.Name));
            Assert.True(read.ItemAttributes[0].IsNumeric);
            Assert.False(read.ItemAttributes[1].IsNumeric);
        }
    }

    [MovieLensFact]
    public async Task Convert_MovieLens100K_ReadsBackAsTheMovieLensLoaderReadsIt()
    {
        using var dir = new TempDirectory();
        var movieLens = DatasetLoader.Load(MovieLensData.Folder100K);
        foreach (var parquet in new[] { true, false })
        {
            var folder = Path.Combine(dir.Path, parquet ? "parquet" : "csv");
            await TableDatasetWriter.WriteAsync(movieLens, folder, parquet, CancellationToken.None);

            var (read, _) = await DatasetReader.LoadAsync(folder, strict: true, CancellationToken.None);

            Assert.Equal(movieLens.Fingerprint(), read.Fingerprint());
            Assert.Equal(movieLens.Categories, read.Categories);
            Assert.Equal(100_000, read.Interactions.Count);
        }
    }
}
