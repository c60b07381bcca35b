namespace RecServices.Training.Evaluation;

/// <summary>What one pass of <see cref="ProtocolEvaluator.Measure"/> found: metrics per row, retrieval recall, candidates, lists, and in-process latency of a served request.</summary>
public sealed record Measurement(
    int Users,
    double MeanCandidates,
    double RetrievalRecall,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Rows,
    IReadOnlyList<UserList> Lists,
    double LatencyP50Ms,
    double LatencyP90Ms);
