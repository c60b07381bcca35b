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
    /// <summary>How many categories the catalog has (the manifest keeps the name it had when they were genres).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("genreCount")]
    public required int CategoryCount { get; init; }

    /// <summary>How many of the most recent history items the user tower reads.</summary>
    public required int HistoryLength { get; init; }

    public required IReadOnlyList<string> UserFeatureNames { get; init; }

    /// <summary>
    /// Recency weighting of the history: the weight of the j-th most recent item is 2^(-j / half-life),
    /// normalised to sum 1; 0 = the plain mean (every entry 1/n). Bundles written before it read as 0.
    /// </summary>
    public double HistoryHalfLife { get; init; }

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

    /// <summary>
    /// The item attributes the item tower reads after the fixed item features, each with its rule (docs/data.md);
    /// empty for datasets without attribute columns and for bundles written before them.
    /// </summary>
    public IReadOnlyList<AttributeFeature> ItemAttributes { get; init; } = [];

    /// <summary>
    /// The item tower's row for an item it was not trained on (an item added through the catalog service): its
    /// <c>item</c> input, the trained catalog's item count, whose embedding is the mean of the trained items'. Null in
    /// bundles built before it: their towers cannot embed a new item.
    /// </summary>
    public int? NewItemRow { get; init; }

    /// <summary>
    /// The smoothed mean rating of an item without interactions (the training data's mean rating): what a new item's
    /// <c>mean_rating</c> input reads before <see cref="RatingScale"/>. Null in bundles built before it.
    /// </summary>
    public double? NewItemRating { get; init; }

    /// <summary>
    /// What a new item's <c>log_popularity</c> input reads before <see cref="PopularityScale"/>: its popularity is not
    /// known yet, so the training items' mean (the imputation of an unknown value), not log(1 + 0) — which would
    /// tell the tower "nobody wants this". Null in bundles built before it: log(1 + 0).
    /// </summary>
    public double? NewItemLogPopularity { get; init; }

    /// <summary>Whether the item tower can embed new items (<see cref="NewItemRow"/> and <see cref="NewItemRating"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool EmbedsNewItems => NewItemRow is not null && NewItemRating is not null;

    /// <summary>
    /// Prefix of the per-category affinity user features (the history's category shares), when the schema has them.
    /// </summary>
    public const string CategoryAffinityPrefix = "category_affinity:";

    /// <summary>The same prefix in bundles written before categories were named so (they were MovieLens genres).</summary>
    public const string GenreAffinityPrefix = "genre_affinity:";

    /// <summary>The user features that follow the optional category affinities, in order.</summary>
    public static readonly IReadOnlyList<string> ProfileFeatureNames =
    [
        "log_history_length",
        "age",
        "age_missing",
        "gender_m",
        "gender_f",
    ];

    /// <summary>
    /// Whether the user tower reads per-category affinities (the first <see cref="CategoryCount"/> user features).
    /// </summary>
    public bool HasCategoryAffinity =>
        UserFeatureNames.Count > 0
        && (
            UserFeatureNames[0].StartsWith(CategoryAffinityPrefix, StringComparison.Ordinal)
            || UserFeatureNames[0].StartsWith(GenreAffinityPrefix, StringComparison.Ordinal)
        );

    public static IReadOnlyList<string> UserFeatureNamesFor(IReadOnlyList<string> categories, bool affinity = true) =>
        affinity
            ? [.. categories.Select(c => CategoryAffinityPrefix + c), .. ProfileFeatureNames]
            : ProfileFeatureNames;

    /// <summary>
    /// The item tower's inputs: the category multi-hot, year, popularity and mean rating, then each attribute's.
    /// </summary>
    public static IReadOnlyList<string> ItemFeatureNamesFor(
        IReadOnlyList<string> categories,
        IReadOnlyList<AttributeFeature>? attributes = null
    ) =>
        [
            .. categories.Select(c => "category:" + c),
            "year",
            "year_missing",
            "log_popularity",
            "mean_rating",
            .. (attributes ?? []).SelectMany(a => a.InputNames),
        ];
}
