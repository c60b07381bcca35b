using System.Numerics.Tensors;
using RecServices.Core.Bundles;
using RecServices.Core.Ranking;

namespace RecServices.Training.Bundling;

/// <summary>
/// The exact item-item table: cosine similarity of every pair of item vectors, the K best per item
/// (never the item itself). O(N² · D) dot products on all cores: seconds for thousands of items, about a
/// minute at 100k; beyond that use <see cref="PartitionedSimilarItems"/>.
/// </summary>
public static class ExactSimilarItems
{
    public static SimilarItems Build(float[] vectors, int count, int dimension, int k)
    {
        var unit = Normalize(vectors, count, dimension);
        k = Math.Min(k, count - 1);
        var neighbours = new int[count * Math.Max(k, 1)];
        var scores = new float[neighbours.Length];
        Array.Fill(neighbours, -1);
        if (k <= 0)
        {
            return new SimilarItems(count, 1, neighbours, scores);
        }

        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => (Scores: new float[count], Top: new int[k + 1]),
            (i, _, buffers) =>
            {
                VectorScorer.ScoreAll(unit.AsSpan(i * dimension, dimension), unit, buffers.Scores);
                buffers.Scores[i] = float.NegativeInfinity;
                var found = TopK.Select(buffers.Scores, buffers.Top.AsSpan(0, k));
                for (var j = 0; j < found; j++)
                {
                    neighbours[(i * k) + j] = buffers.Top[j];
                    scores[(i * k) + j] = Math.Clamp(buffers.Scores[buffers.Top[j]], -1f, 1f);
                }

                return buffers;
            },
            _ => { });
        return new SimilarItems(count, k, neighbours, scores);
    }

    /// <summary>Rows scaled to unit length (a zero row stays zero).</summary>
    public static float[] Normalize(float[] vectors, int count, int dimension)
    {
        var unit = new float[count * dimension];
        for (var i = 0; i < count; i++)
        {
            var row = vectors.AsSpan(i * dimension, dimension);
            var norm = TensorPrimitives.Norm(row);
            TensorPrimitives.Multiply(row, norm > 0 ? 1f / norm : 0f, unit.AsSpan(i * dimension, dimension));
        }

        return unit;
    }
}
