namespace RecServices.Serving.Retrieval;

/// <summary>
/// Quotas of the candidate sources and the total cap. The design's recipe is the 10 most similar items of each of
/// the last 10 items, the top 10 of each of the 3 top categories, the top 20 of the country and 20 popular items: a new
/// instance holds exactly that (<see cref="DesignRecipe"/>). The services serve <see cref="Default"/>, that recipe
/// scaled by <see cref="DefaultScale"/>, the budget `recs sweep` chose on the validation carve of MovieLens 100K:
/// about 290 candidates instead of 90 (docs/quality.md, "Candidate count"). The similar-items source can give no
/// more than the item-item table's K neighbours per recent item, whatever its quota.
/// </summary>
public sealed record RetrievalOptions
{
    public int RecentItems { get; init; } = 10;

    /// <summary>The quota scale of the defaults over <see cref="DesignRecipe"/>, chosen by the sweep.</summary>
    public const double DefaultScale = 8;

    public int SimilarPerItem { get; init; } = 10;

    public int TopCategories { get; init; } = 3;

    public int PerCategory { get; init; } = 10;

    public int PerCountry { get; init; } = 20;

    public int Popular { get; init; } = 20;

    /// <summary>
    /// Items the embedding source proposes (highest V_u · V_m first); 0, the default, turns it off: it is measured
    /// (<c>recs evaluate --embedding-quota</c>) but not yet part of the served recipe.
    /// </summary>
    public int Embedding { get; init; }

    /// <summary>
    /// Newest items added through the catalog service (not in the bundle) proposed per top category of the user
    /// (<see cref="Sources.FreshSource"/>); not scaled by the sweep, which measures the bundle's sources.
    /// </summary>
    public int FreshPerCategory { get; init; } = 5;

    /// <summary>Newest added items proposed whatever their categories, after the per-category ones.</summary>
    public int Fresh { get; init; } = 10;

    /// <summary>
    /// The design's original recipe (10 × 10 similar, 3 × 10 category, 20 country, 20 popular); the sweep scales it.
    /// </summary>
    public static RetrievalOptions DesignRecipe { get; } = new();

    /// <summary>What the services serve: <see cref="DesignRecipe"/> scaled by <see cref="DefaultScale"/>.</summary>
    public static RetrievalOptions Default { get; } = DesignRecipe.Scaled(DefaultScale);

    /// <summary>The candidate cap when a request does not say: the services' and the evaluator's default.</summary>
    public const int DefaultCandidateCap = 500;

    /// <summary>The largest candidate cap a request may ask for.</summary>
    public const int CandidateCapLimit = 5_000;

    /// <summary>Candidates returned when a request does not say.</summary>
    public int DefaultMaxCandidates { get; init; } = DefaultCandidateCap;

    /// <summary>The most candidates a request may ask for.</summary>
    public int MaxCandidatesLimit { get; init; } = CandidateCapLimit;

    /// <summary>
    /// Every per-source quota multiplied by <paramref name="factor"/> (at least 1 each), for sweeps over the
    /// candidate count.
    /// </summary>
    public RetrievalOptions Scaled(double factor) =>
        this with
        {
            SimilarPerItem = Scale(SimilarPerItem, factor),
            PerCategory = Scale(PerCategory, factor),
            PerCountry = Scale(PerCountry, factor),
            Popular = Scale(Popular, factor),
            Embedding = Scale(Embedding, factor),
        };

    /// <summary>A quota times the factor, at least 1; a source turned off (0) stays off.</summary>
    private static int Scale(int quota, double factor) => quota == 0 ? 0 : Math.Max(1, (int)Math.Round(quota * factor));
}
