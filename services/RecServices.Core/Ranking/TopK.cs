namespace RecServices.Core.Ranking;

/// <summary>
/// Top-k selection by a bounded min-heap: O(n log k), no allocation beyond the caller's buffers.
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

        var size = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var s = scores[i];
            if (float.IsNaN(s) || float.IsNegativeInfinity(s))
            {
                continue;
            }

            if (size < k)
            {
                result[size] = i;
                SiftUp(scores, result, size++);
            }
            else if (Better(scores, i, result[0]))
            {
                result[0] = i;
                SiftDown(scores, result, 0, size);
            }
        }

        // Heap sort in place: repeatedly move the worst to the end.
        for (var end = size - 1; end > 0; end--)
        {
            (result[0], result[end]) = (result[end], result[0]);
            SiftDown(scores, result, 0, end);
        }

        return size;
    }

    /// <summary>True when index a ranks before index b.</summary>
    private static bool Better(ReadOnlySpan<float> scores, int a, int b) => scores[a] > scores[b] || (scores[a] == scores[b] && a < b);

    private static void SiftUp(ReadOnlySpan<float> scores, Span<int> heap, int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Better(scores, heap[parent], heap[i]))
            {
                break;
            }

            (heap[parent], heap[i]) = (heap[i], heap[parent]);
            i = parent;
        }
    }

    private static void SiftDown(ReadOnlySpan<float> scores, Span<int> heap, int i, int size)
    {
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= size)
            {
                return;
            }

            var worst = left;
            var right = left + 1;
            if (right < size && Better(scores, heap[left], heap[right]))
            {
                worst = right;
            }

            if (!Better(scores, heap[i], heap[worst]))
            {
                return;
            }

            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }
}
