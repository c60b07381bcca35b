namespace RecServices.Serving.Retrieval;

/// <summary>
/// Quotas of the candidate sources and the total cap. The defaults are the design's recipe: the 10 most
/// similar items of each of the last 10 items, the top 10 of each of the 3 top genres, the top 20 of
/// the country, plus popular items to fill cold starts.
/// </summary>
public sealed record RetrievalOptions
{
    public int RecentItems { get; init; } = 10;

    public int SimilarPerItem { get; init; } = 10;

    public int TopGenres { get; init; } = 3;

    public int PerGenre { get; init; } = 10;

    public int PerCountry { get; init; } = 20;

    public int Popular { get; init; } = 20;

    /// <summary>Candidates returned when a request does not say.</summary>
    public int DefaultMaxCandidates { get; init; } = 300;

    /// <summary>The most candidates a request may ask for.</summary>
    public int MaxCandidatesLimit { get; init; } = 5_000;

    /// <summary>Every per-source quota multiplied by <paramref name="factor"/> (at least 1 each), for sweeps over the candidate count.</summary>
    public RetrievalOptions Scaled(double factor) => this with
    {
        SimilarPerItem = Scale(SimilarPerItem, factor),
        PerGenre = Scale(PerGenre, factor),
        PerCountry = Scale(PerCountry, factor),
        Popular = Scale(Popular, factor),
    };

    private static int Scale(int quota, double factor) => Math.Max(1, (int)Math.Round(quota * factor));
}
