namespace RecServices.Evaluation;

/// <summary>
/// What one pass of <see cref="ProtocolEvaluator.Measure"/> found: metrics per row, retrieval recall, candidates,
/// lists, the in-process latency of a served request and, when the references ran, of the same model scoring the
/// whole catalog for the same user (NaN otherwise).
/// </summary>
public sealed record Measurement(
    int Users,
    double MeanCandidates,
    double RetrievalRecall,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Rows,
    IReadOnlyList<UserList> Lists,
    double LatencyP50Ms,
    double LatencyP90Ms,
    double LatencyP99Ms = double.NaN,
    double CatalogLatencyP50Ms = double.NaN,
    double CatalogLatencyP99Ms = double.NaN
);
