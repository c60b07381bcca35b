namespace RecServices.Evaluation;

/// <summary>
/// Metrics of one evaluation: per model row ("served two-stage", "full catalog", "popularity") the
/// means of map@k, ndcg@k, precision@k, recall@k and the catalog coverage of the lists, plus the
/// retrieval recall and the mean number of candidates of the served pipeline.
/// </summary>
public sealed record EvaluationReport(
    string Protocol,
    string Dataset,
    string BundleVersion,
    int Users,
    int K,
    int MaxCandidates,
    double MeanCandidates,
    double RetrievalRecall,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Rows,
    double Seconds
);
