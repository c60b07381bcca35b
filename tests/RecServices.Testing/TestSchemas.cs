using RecServices.Core.Features;

namespace RecServices.Testing;

/// <summary>Feature schemas for tests that train or export without fitting standardisers on data.</summary>
public static class TestSchemas
{
    public static FeatureSchema For(
        IReadOnlyList<string> categories,
        int historyLength,
        bool categoryAffinity = true,
        double historyHalfLife = 0
    ) =>
        new()
        {
            CategoryCount = categories.Count,
            HistoryLength = historyLength,
            HistoryHalfLife = historyHalfLife,
            UserFeatureNames = FeatureSchema.UserFeatureNamesFor(categories, categoryAffinity),
            ItemFeatureNames = FeatureSchema.ItemFeatureNamesFor(categories),
            HistoryLengthScale = new Standardizer(3, 1),
            AgeScale = new Standardizer(35, 12),
            YearScale = new Standardizer(2000, 10),
            PopularityScale = new Standardizer(1, 1),
            RatingScale = new Standardizer(3, 1),
        };
}
