using RecServices.Core.Features;

namespace RecServices.Core.Tests.Features;

/// <summary>
/// The user tower's input features: history weights (plain mean or half-life), category affinity shares, an unknown layout
/// refused.
/// </summary>
public sealed class UserFeaturesTests
{
    private static readonly string[] Categories = ["Action", "Comedy", "Drama"];
    private static readonly int[][] ItemCategories =
    [
        [0],
        [1],
        [2],
        [0, 2],
    ];

    [Fact]
    public void HistoryWeights_ZeroHalfLife_IsThePlainMean()
    {
        var weights = new float[5];
        UserFeatures.HistoryWeights(4, 0, weights);
        Assert.Equal([0.25f, 0.25f, 0.25f, 0.25f, 0f], weights);
    }

    [Fact]
    public void HistoryWeights_HalfLife_HalvesEveryHalfLifeTowardsTheOldestAndSumsToOne()
    {
        var weights = new float[4];
        UserFeatures.HistoryWeights(3, 1, weights);

        // Newest last: raw weights 1/4, 1/2, 1 → normalised by 7/4.
        Assert.Equal(1 / 7.0, weights[0], 6);
        Assert.Equal(2 / 7.0, weights[1], 6);
        Assert.Equal(4 / 7.0, weights[2], 6);
        Assert.Equal(0f, weights[3]);
    }

    [Fact]
    public void Fill_WithoutCategoryAffinity_WritesOnlyTheProfileFeatures()
    {
        var schema = Schema(categoryAffinity: false, halfLife: 2);
        var features = new UserFeatures(schema, ItemCategories);
        var items = new long[3];
        var weights = new float[3];
        var row = new float[features.Width];

        features.Fill([0, 1, 2, 3], 30, "F", items, weights, row);

        Assert.Equal(FeatureSchema.ProfileFeatureNames.Count, features.Width);
        Assert.Equal([1L, 2, 3], items); // the last HistoryLength items
        Assert.True(weights[2] > weights[1] && weights[1] > weights[0]);
        Assert.Equal(1.0, weights.Sum(), 5);
        Assert.Equal((30 - 35) / 12f, row[1], 6); // age, standardised
        Assert.Equal(0f, row[2]); // age known
        Assert.Equal([0f, 1f], row[^2..]); // gender_m, gender_f
    }

    [Fact]
    public void Fill_WithCategoryAffinity_SharesFollowTheHistoryWeights()
    {
        var schema = Schema(categoryAffinity: true, halfLife: 0);
        var features = new UserFeatures(schema, ItemCategories);
        var row = new float[features.Width];

        features.Fill([0, 3], null, null, new long[3], new float[3], row);

        Assert.Equal(Categories.Length + FeatureSchema.ProfileFeatureNames.Count, features.Width);
        Assert.Equal([1f, 0f, 0.5f], row[..3]); // Action from both items, Drama from item 3
        Assert.Equal(1f, row[Categories.Length + 2]); // age missing
    }

    [Fact]
    public void Constructor_UnknownLayout_SaysWhatThisBuildReads()
    {
        var schema = Schema(categoryAffinity: false, halfLife: 0) with { UserFeatureNames = ["age", "something_new"] };

        var error = Assert.Throws<ArgumentException>(() => new UserFeatures(schema, ItemCategories));

        Assert.Contains("something_new", error.Message);
        Assert.Contains("log_history_length", error.Message);
    }

    private static FeatureSchema Schema(bool categoryAffinity, double halfLife) =>
        TestSchemas.For(Categories, 3, categoryAffinity, halfLife);
}
