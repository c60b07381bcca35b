namespace RecServices.Evaluation;

/// <summary>
/// The candidate-count sweep: every point, the scale chosen on the validation carve, and the references
/// that do not depend on the candidate count (the same model over the full catalog, popularity, EASE), on
/// the validation carve and on the test split.
/// </summary>
public sealed record SweepReport(
    string Dataset,
    string Protocol,
    int K,
    IReadOnlyList<SweepPoint> Points,
    double ChosenScale,
    string Rule,
    double Seconds,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ValidationReferences,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> TestReferences
)
{
    /// <summary>The embedding source's quota at every point (0 = off).</summary>
    public int EmbeddingQuota { get; init; }
}
