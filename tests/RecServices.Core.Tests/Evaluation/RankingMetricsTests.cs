using RecServices.Core.Evaluation;

namespace RecServices.Core.Tests.Evaluation;

/// <summary>
/// The protocol's metrics (docs/evaluation.md) against hand computations: nDCG, precision, recall, MAP over all
/// relevant items, duplicates, empty cases, zero-hit users in the average.
/// </summary>
public sealed class RankingMetricsTests
{
    private static HashSet<int> Set(params int[] items) => [.. items];

    [Fact]
    public void Metrics_PerfectRanking_AreOne()
    {
        int[] ranked = [1, 2, 3];
        var relevant = Set(1, 2, 3);

        Assert.Equal(1.0, RankingMetrics.NdcgAtK(ranked, relevant, 3), 12);
        Assert.Equal(1.0, RankingMetrics.PrecisionAtK(ranked, relevant, 3), 12);
        Assert.Equal(1.0, RankingMetrics.RecallAtK(ranked, relevant, 3), 12);
        Assert.Equal(1.0, RankingMetrics.AveragePrecisionAtK(ranked, relevant, 3), 12);
    }

    [Fact]
    public void Metrics_NoHit_AreZero()
    {
        int[] ranked = [4, 5, 6];
        var relevant = Set(1, 2);

        Assert.Equal(0, RankingMetrics.NdcgAtK(ranked, relevant, 3));
        Assert.Equal(0, RankingMetrics.PrecisionAtK(ranked, relevant, 3));
        Assert.Equal(0, RankingMetrics.RecallAtK(ranked, relevant, 3));
        Assert.Equal(0, RankingMetrics.AveragePrecisionAtK(ranked, relevant, 3));
    }

    [Fact]
    public void Ndcg_TextbookExample_MatchesHandComputation()
    {
        // Hits at ranks 1 and 3 of 5, two relevant items:
        // DCG = 1/log2(2) + 1/log2(4) = 1 + 0.5; ideal = 1 + 1/log2(3) = 1.63093.
        int[] ranked = [10, 11, 12, 13, 14];
        var relevant = Set(10, 12);

        var expected = (1 + 0.5) / (1 + (1 / Math.Log2(3)));
        Assert.Equal(expected, RankingMetrics.NdcgAtK(ranked, relevant, 5), 12);
        Assert.Equal(0.91972, RankingMetrics.NdcgAtK(ranked, relevant, 5), 5);
    }

    [Fact]
    public void Metrics_KLargerThanList_CountMissingPositionsAsMisses()
    {
        int[] ranked = [1, 2];
        var relevant = Set(1, 2, 3, 4);

        // Precision divides by k, not by the list length; the ideal DCG fills min(k, |relevant|) = 4 positions.
        Assert.Equal(2.0 / 10, RankingMetrics.PrecisionAtK(ranked, relevant, 10), 12);
        Assert.Equal(2.0 / 4, RankingMetrics.RecallAtK(ranked, relevant, 10), 12);
        var ideal = 1 + (1 / Math.Log2(3)) + 0.5 + (1 / Math.Log2(5));
        Assert.Equal((1 + (1 / Math.Log2(3))) / ideal, RankingMetrics.NdcgAtK(ranked, relevant, 10), 12);
    }

    [Fact]
    public void AveragePrecision_DividesByAllRelevantItems_NotByMinKN()
    {
        // Hits at ranks 1 and 3; 20 relevant items: (1/1 + 2/3) / 20, not / min(10, 20).
        int[] ranked = [1, 99, 2, 98];
        var relevant = Set(Enumerable.Range(1, 20).ToArray());

        Assert.Equal((1 + (2.0 / 3)) / 20, RankingMetrics.AveragePrecisionAtK(ranked, relevant, 10), 12);
    }

    [Fact]
    public void Metrics_DuplicateEntries_CountOnceAtTheFirstPosition()
    {
        int[] ranked = [1, 1, 2];
        var relevant = Set(1, 2);

        Assert.Equal(2.0 / 3, RankingMetrics.PrecisionAtK(ranked, relevant, 3), 12);
        Assert.Equal((1 + 0.5) / (1 + (1 / Math.Log2(3))), RankingMetrics.NdcgAtK(ranked, relevant, 3), 12);
    }

    [Fact]
    public void Metrics_NothingRelevant_AreZeroNotNaN()
    {
        Assert.Equal(0, RankingMetrics.NdcgAtK([1], Set(), 10));
        Assert.Equal(0, RankingMetrics.RecallAtK([1], Set(), 10));
        Assert.Equal(0, RankingMetrics.AveragePrecisionAtK([1], Set(), 10));
    }

    [Fact]
    public void MetricAccumulator_UsersWithZeroHits_StayInTheAverage()
    {
        var metrics = new MetricAccumulator(2);
        metrics.Add([1, 2], Set(1, 2));
        metrics.Add([3, 4], Set(1));

        Assert.Equal(2, metrics.Users);
        Assert.Equal(0.5, metrics.Ndcg, 12);
        Assert.Equal(0.5, metrics.Precision, 12);
    }
}
