using RecServices.Core.Data;

namespace RecServices.Core.Tests.Data;

/// <summary>
/// The seeded synthetic data: deterministic per seed, the sizes asked for, skewed popularity, no item twice per user,
/// bad sizes refused.
/// </summary>
public sealed class SyntheticDatasetTests
{
    private static readonly SyntheticOptions Small = new()
    {
        Users = 300,
        Items = 500,
        Interactions = 12_000,
    };

    [Fact]
    public void Generate_SameSeed_SameDataset()
    {
        Assert.Equal(SyntheticDataset.Generate(Small).Fingerprint(), SyntheticDataset.Generate(Small).Fingerprint());
    }

    [Fact]
    public void Generate_OtherSeed_OtherDataset()
    {
        Assert.NotEqual(
            SyntheticDataset.Generate(Small).Fingerprint(),
            SyntheticDataset.Generate(Small with { Seed = 7 }).Fingerprint()
        );
    }

    [Fact]
    public void Generate_Sizes_MatchTheOptions()
    {
        var data = SyntheticDataset.Generate(Small);

        Assert.Equal(300, data.Users.Count);
        Assert.Equal(500, data.Items.Count);
        Assert.InRange(data.Interactions.Count, 10_800, 13_200);
        Assert.All(data.Users, u => Assert.NotNull(u.Country));
        Assert.All(data.Items, i => Assert.NotEmpty(i.Categories));
    }

    [Fact]
    public void Generate_Popularity_IsSkewed()
    {
        var data = SyntheticDataset.Generate(Small);
        var counts = new int[data.Items.Count];
        foreach (var item in data.Interactions.Items)
        {
            counts[item]++;
        }

        var sorted = counts.OrderDescending().ToArray();
        var topTenPercent = sorted.Take(sorted.Length / 10).Sum();

        // Uniform popularity would give the top 10 % of items about 10 % of the interactions; Zipf gives ~3×.
        Assert.True(
            topTenPercent > 0.25 * data.Interactions.Count,
            $"top 10% of items hold {topTenPercent} of {data.Interactions.Count}"
        );
    }

    [Fact]
    public void Generate_NoUserSeesAnItemTwice()
    {
        var data = SyntheticDataset.Generate(Small);
        var pairs = new HashSet<(int, int)>();
        for (var row = 0; row < data.Interactions.Count; row++)
        {
            Assert.True(pairs.Add((data.Interactions.Users[row], data.Interactions.Items[row])));
        }
    }

    [Fact]
    public void Generate_InvalidSizes_Throws()
    {
        Assert.Throws<ArgumentException>(() => SyntheticDataset.Generate(Small with { Items = 3 }));
    }
}
