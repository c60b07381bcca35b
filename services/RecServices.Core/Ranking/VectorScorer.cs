using System.Numerics.Tensors;

namespace RecServices.Core.Ranking;

/// <summary>Scores items by V_u · V_m over flat row-major item vectors (SIMD dot products, no allocation).</summary>
public static class VectorScorer
{
    /// <summary>scores[i] = user · items[i] for every row of <paramref name="items"/>.</summary>
    public static void ScoreAll(ReadOnlySpan<float> user, ReadOnlySpan<float> items, Span<float> scores)
    {
        var d = user.Length;
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = TensorPrimitives.Dot(user, items.Slice(i * d, d));
        }
    }

    /// <summary>scores[j] = user · items[candidates[j]].</summary>
    public static void ScoreCandidates(
        ReadOnlySpan<float> user,
        ReadOnlySpan<float> items,
        ReadOnlySpan<int> candidates,
        Span<float> scores
    )
    {
        var d = user.Length;
        for (var j = 0; j < candidates.Length; j++)
        {
            scores[j] = TensorPrimitives.Dot(user, items.Slice(candidates[j] * d, d));
        }
    }
}
