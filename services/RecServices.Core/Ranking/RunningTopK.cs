namespace RecServices.Core.Ranking;

/// <summary>
/// The k best (score, id) pairs of a stream, kept in caller-owned spans as a bounded min-heap: one comparison
/// against the worst kept score for most offers, no allocation. Order as <see cref="TopK"/>: higher score first,
/// equal scores by lower id first; NaN and negative infinity are never kept.
/// </summary>
public static class RunningTopK
{
    /// <summary>Offers one pair to the heap of <paramref name="size"/> entries (capacity <c>ids.Length</c>).</summary>
    public static void Offer(Span<int> ids, Span<float> scores, ref int size, int id, float score)
    {
        if (float.IsNaN(score) || float.IsNegativeInfinity(score) || ids.Length == 0)
        {
            return;
        }

        if (size < ids.Length)
        {
            var i = size++;
            ids[i] = id;
            scores[i] = score;
            while (i > 0)
            {
                var parent = (i - 1) / 2;
                if (!Worse(scores[i], ids[i], scores[parent], ids[parent]))
                {
                    break;
                }

                Swap(ids, scores, i, parent);
                i = parent;
            }

            return;
        }

        if (!Worse(scores[0], ids[0], score, id))
        {
            return;
        }

        ids[0] = id;
        scores[0] = score;
        SiftDown(ids, scores, 0, size);
    }

    /// <summary>
    /// The worst score kept, or negative infinity while the heap is not full (anything better may enter).
    /// </summary>
    public static float Threshold(ReadOnlySpan<float> scores, int size, int capacity) =>
        size < capacity ? float.NegativeInfinity : scores[0];

    /// <summary>Sorts the heap's <paramref name="size"/> entries in place, best first.</summary>
    public static void Sort(Span<int> ids, Span<float> scores, int size)
    {
        for (var end = size - 1; end > 0; end--)
        {
            Swap(ids, scores, 0, end);
            SiftDown(ids, scores, 0, end);
        }
    }

    /// <summary>True when (a, aId) ranks after (b, bId).</summary>
    private static bool Worse(float a, int aId, float b, int bId) => a < b || (a == b && aId > bId);

    private static void SiftDown(Span<int> ids, Span<float> scores, int i, int size)
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
            if (right < size && Worse(scores[right], ids[right], scores[left], ids[left]))
            {
                worst = right;
            }

            if (!Worse(scores[worst], ids[worst], scores[i], ids[i]))
            {
                return;
            }

            Swap(ids, scores, i, worst);
            i = worst;
        }
    }

    private static void Swap(Span<int> ids, Span<float> scores, int a, int b)
    {
        (ids[a], ids[b]) = (ids[b], ids[a]);
        (scores[a], scores[b]) = (scores[b], scores[a]);
    }
}
