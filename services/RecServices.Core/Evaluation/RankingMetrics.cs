namespace RecServices.Core.Evaluation;

/// <summary>
/// Top-k metrics with binary relevance, as docs/evaluation.md defines them. A list shorter than k counts its
/// missing positions as misses. Duplicates in a list count once, at their first position.
/// </summary>
public static class RankingMetrics
{
    /// <summary>hits / k.</summary>
    public static double PrecisionAtK(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k) =>
        k <= 0 ? 0 : (double)Hits(ranked, relevant, k) / k;

    /// <summary>hits / |relevant|; 0 when nothing is relevant.</summary>
    public static double RecallAtK(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k) =>
        relevant.Count == 0 ? 0 : (double)Hits(ranked, relevant, k) / relevant.Count;

    /// <summary>DCG / ideal DCG with gains 1 / log2(rank + 1); the ideal fills min(k, |relevant|) positions.</summary>
    public static double NdcgAtK(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        var ideal = 0.0;
        for (var r = 0; r < Math.Min(k, relevant.Count); r++)
        {
            ideal += 1.0 / Math.Log2(r + 2);
        }

        if (ideal == 0)
        {
            return 0;
        }

        var dcg = 0.0;
        var counted = new HashSet<int>();
        for (var r = 0; r < Math.Min(k, ranked.Count); r++)
        {
            if (relevant.Contains(ranked[r]) && counted.Add(ranked[r]))
            {
                dcg += 1.0 / Math.Log2(r + 2);
            }
        }

        return dcg / ideal;
    }

    /// <summary>Σ over hits of (hit number / rank), divided by |relevant| (not by min(k, |relevant|)).</summary>
    public static double AveragePrecisionAtK(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }

        var hits = 0;
        var sum = 0.0;
        var counted = new HashSet<int>();
        for (var r = 0; r < Math.Min(k, ranked.Count); r++)
        {
            if (relevant.Contains(ranked[r]) && counted.Add(ranked[r]))
            {
                hits++;
                sum += (double)hits / (r + 1);
            }
        }

        return sum / relevant.Count;
    }

    private static int Hits(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        var counted = new HashSet<int>();
        for (var r = 0; r < Math.Min(k, ranked.Count); r++)
        {
            if (relevant.Contains(ranked[r]))
            {
                counted.Add(ranked[r]);
            }
        }

        return counted.Count;
    }
}
