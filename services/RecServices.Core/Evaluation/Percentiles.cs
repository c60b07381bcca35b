namespace RecServices.Core.Evaluation;

/// <summary>
/// Nearest-rank percentiles of measured values (latencies): the smallest value with at least q of the values at or
/// below it.
/// </summary>
public static class Percentiles
{
    /// <summary>
    /// The q-quantile (0 &lt; q ≤ 1) of <paramref name="sorted"/>, which must be in ascending order; 0 when empty.
    /// </summary>
    public static double Of(IReadOnlyList<double> sorted, double q)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(q);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
