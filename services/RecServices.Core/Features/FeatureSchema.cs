namespace RecServices.Core.Features;

/// <summary>
/// What the towers read, written into the bundle manifest so that serving builds exactly the inputs that
/// training used. User tower inputs: <c>history_items</c> (int64 [batch, HistoryLength], item indices, padded
/// with 0), <c>history_weights</c> (float [batch, HistoryLength], 1/n over the real entries, 0 for padding)
/// and <c>user_features</c> (float [batch, UserFeatureNames.Count]). Item tower inputs: <c>item</c> (int64
/// [batch]) and <c>item_features</c> (float [batch, ItemFeatureNames.Count]).
/// </summary>
public sealed record FeatureSchema
{
    public required int GenreCount { get; init; }

    /// <summary>How many of the most recent history items the user tower reads.</summary>
    public required int HistoryLength { get; init; }

    public required IReadOnlyList<string> UserFeatureNames { get; init; }

    public required IReadOnlyList<string> ItemFeatureNames { get; init; }

    /// <summary>Standardisation of log(1 + history length): (x - mean) / std.</summary>
    public required Standardizer HistoryLengthScale { get; init; }

    /// <summary>Standardisation of age in years.</summary>
    public required Standardizer AgeScale { get; init; }

    /// <summary>Standardisation of release year.</summary>
    public required Standardizer YearScale { get; init; }

    /// <summary>Standardisation of log(1 + train interaction count).</summary>
    public required Standardizer PopularityScale { get; init; }

    /// <summary>Standardisation of the smoothed mean rating.</summary>
    public required Standardizer RatingScale { get; init; }

    public static IReadOnlyList<string> UserFeatureNamesFor(IReadOnlyList<string> genres) =>
        [.. genres.Select(g => "genre_affinity:" + g), "log_history_length", "age", "age_missing", "gender_m", "gender_f"];

    public static IReadOnlyList<string> ItemFeatureNamesFor(IReadOnlyList<string> genres) =>
        [.. genres.Select(g => "genre:" + g), "year", "year_missing", "log_popularity", "mean_rating"];
}
