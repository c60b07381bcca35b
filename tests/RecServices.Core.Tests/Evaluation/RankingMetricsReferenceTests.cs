using RecServices.Core.Evaluation;

namespace RecServices.Core.Tests.Evaluation;

/// <summary>
/// A seeded brute-force reference: each metric recomputed from its textbook definition on a relevance
/// vector (first occurrence counts, later duplicates and missing positions are misses), over random lists,
/// relevant sets and cut-offs, including duplicates, k past the list's end and empty sets.
/// </summary>
public sealed class RankingMetricsReferenceTests
{
    [Fact]
    public void Metrics_RandomCases_EqualTheDefinitions()
    {
        var random = new Random(20261127);
        for (var trial = 0; trial < 2_000; trial++)
        {
            var ranked = Enumerable.Range(0, random.Next(0, 16)).Select(_ => random.Next(30)).ToList();
            var relevant = Enumerable.Range(0, random.Next(0, 11)).Select(_ => random.Next(30)).ToHashSet();
            var k = random.Next(1, 13);
            var gains = Gains(ranked, relevant, k);

            var precision = gains.Sum() / (double)k;
            var recall = relevant.Count == 0 ? 0 : gains.Sum() / (double)relevant.Count;
            var ideal = Dcg([
                .. Enumerable.Repeat(1, Math.Min(k, relevant.Count)),
                .. Enumerable.Repeat(0, k - Math.Min(k, relevant.Count)),
            ]);
            var ndcg = ideal == 0 ? 0 : Dcg(gains) / ideal;
            var averagePrecision =
                relevant.Count == 0
                    ? 0
                    : Enumerable
                        .Range(0, k)
                        .Where(r => gains[r] == 1)
                        .Sum(r => gains.Take(r + 1).Sum() / (double)(r + 1)) / relevant.Count;

            Assert.Equal(precision, RankingMetrics.PrecisionAtK(ranked, relevant, k), 12);
            Assert.Equal(recall, RankingMetrics.RecallAtK(ranked, relevant, k), 12);
            Assert.Equal(ndcg, RankingMetrics.NdcgAtK(ranked, relevant, k), 12);
            Assert.Equal(averagePrecision, RankingMetrics.AveragePrecisionAtK(ranked, relevant, k), 12);
        }
    }

    /// <summary>1 at each of the first k positions holding a relevant item seen there first, else 0.</summary>
    private static int[] Gains(List<int> ranked, HashSet<int> relevant, int k)
    {
        var gains = new int[k];
        for (var r = 0; r < k && r < ranked.Count; r++)
        {
            gains[r] = relevant.Contains(ranked[r]) && ranked.IndexOf(ranked[r]) == r ? 1 : 0;
        }

        return gains;
    }

    private static double Dcg(int[] gains) => gains.Select((g, r) => g / Math.Log2(r + 2)).Sum();
}
