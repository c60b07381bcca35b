using RecServices.Core.Features;

namespace RecServices.Training.Tests;

/// <summary>Feature schemas for tests that train or export without fitting standardisers on data.</summary>
public static class TestSchemas
{
    public static FeatureSchema For(IReadOnlyList<string> genres, int historyLength) => new()
    {
        GenreCount = genres.Count,
        HistoryLength = historyLength,
        UserFeatureNames = FeatureSchema.UserFeatureNamesFor(genres),
        ItemFeatureNames = FeatureSchema.ItemFeatureNamesFor(genres),
        HistoryLengthScale = new Standardizer(3, 1),
        AgeScale = new Standardizer(35, 12),
        YearScale = new Standardizer(2000, 10),
        PopularityScale = new Standardizer(1, 1),
        RatingScale = new Standardizer(3, 1),
    };
}
