namespace RecServices.Datasets.Tests;

/// <summary>
/// Guards the example dataset of the repository (docs/examples/songs, the one docs/data.md walks through): it is what
/// the songs generator writes, so it never drifts from the tests that train on it, and it reads with every table and
/// column the guide names.
/// </summary>
public sealed class ExampleDatasetTests
{
    [Fact]
    public void Example_InTheRepository_IsTheGeneratorsOutput()
    {
        var example = SongsDataset.ExampleFolder();
        Assert.True(example is not null, "docs/examples/songs is missing from the checkout");
        using var dir = new TempDirectory();
        var (seed, listeners, songs, artists) = SongsDataset.Example;

        SongsDataset.Write(dir.Path, seed, listeners, songs, artists);

        foreach (var file in new[] { "items.csv", "users.csv", "interactions.csv" })
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(dir.Path, file))
                    .AsSpan()
                    .SequenceEqual(File.ReadAllBytes(Path.Combine(example!, file))),
                $"docs/examples/songs/{file} differs from SongsDataset's output: write it again with SongsDataset.Write"
            );
        }
    }

    [Fact]
    public async Task Example_Reads_CategoriesCountriesKindsCountsAndItemFeatures()
    {
        var (data, report) = await DatasetReader.LoadAsync(
            SongsDataset.ExampleFolder()!,
            strict: true,
            CancellationToken.None
        );

        Assert.Equal(12, data.Categories.Count);
        Assert.Equal(300, data.Items.Count);
        Assert.Equal(400, data.Users.Count);
        Assert.Equal(8, data.Users.Select(u => u.Country).Distinct().Count());
        Assert.Equal(["duration_s", "artist", "explicit"], data.ItemAttributes.Select(a => a.Name));
        Assert.Equal([true, false, true], data.ItemAttributes.Select(a => a.IsNumeric));
        Assert.Equal(["plan"], report!.Tables.Single(t => t.Name == "users").Ignored);
        Assert.True(report.CountedRows > 0);
        Assert.True(report.HasTimestamps);
        Assert.Equal(3, data.Interactions.Kinds.ToArray().Distinct().Count());
    }
}
