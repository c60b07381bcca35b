namespace RecServices.Core.Evaluation;

/// <summary>Averages the top-k metrics over users (users with zero hits stay in the average).</summary>
public sealed class MetricAccumulator
{
    private readonly int _k;
    private double _ndcg;
    private double _recall;
    private double _precision;
    private double _map;
    private readonly HashSet<int> _covered = [];

    public MetricAccumulator(int k = 10)
    {
        _k = k;
    }

    public int Users { get; private set; }

    public void Add(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant)
    {
        _ndcg += RankingMetrics.NdcgAtK(ranked, relevant, _k);
        _recall += RankingMetrics.RecallAtK(ranked, relevant, _k);
        _precision += RankingMetrics.PrecisionAtK(ranked, relevant, _k);
        _map += RankingMetrics.AveragePrecisionAtK(ranked, relevant, _k);
        for (var i = 0; i < Math.Min(_k, ranked.Count); i++)
        {
            _covered.Add(ranked[i]);
        }

        Users++;
    }

    public double Ndcg => Users == 0 ? 0 : _ndcg / Users;

    public double Recall => Users == 0 ? 0 : _recall / Users;

    public double Precision => Users == 0 ? 0 : _precision / Users;

    public double Map => Users == 0 ? 0 : _map / Users;

    /// <summary>Distinct items in the top k of the lists added (catalog coverage = this / catalog size).</summary>
    public int CoveredItems => _covered.Count;

    /// <summary>
    /// The means keyed "ndcg@k", "recall@k", "precision@k", "map@k", plus "users" and "covered_items".
    /// </summary>
    public IReadOnlyDictionary<string, double> ToDictionary() =>
        new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            [$"ndcg@{_k}"] = Ndcg,
            [$"recall@{_k}"] = Recall,
            [$"precision@{_k}"] = Precision,
            [$"map@{_k}"] = Map,
            ["users"] = Users,
            ["covered_items"] = CoveredItems,
        };
}
