namespace RecServices.Core.Ranking;

/// <summary>
/// Top-k selection by a bounded min-heap (<see cref="RunningTopK"/>): O(n log k), a pooled buffer for the kept scores.
/// Order: higher score first; equal scores by lower index first (deterministic). NaN scores are skipped.
/// </summary>
public static class TopK
{
    /// <summary>
    /// Writes the indices of the <c>k = result.Length</c> best scores into <paramref name="result"/>, best first,
    /// and returns how many were written (fewer when fewer scores are finite or larger than negative infinity).
    /// </summary>
    public static int Select(ReadOnlySpan<float> scores, Span<int> result)
    {
        var k = result.Length;
        if (k == 0)
        {
            return 0;
        }

        var kept = System.Buffers.ArrayPool<float>.Shared.Rent(k);
        try
        {
            var size = 0;
            for (var i = 0; i < scores.Length; i++)
            {
                if (scores[i] >= RunningTopK.Threshold(kept, size, k))
                {
                    RunningTopK.Offer(result, kept.AsSpan(0, k), ref size, i, scores[i]);
                }
            }

            RunningTopK.Sort(result, kept, size);
            return size;
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(kept);
        }
    }
}
