using Cloud.Unum.USearch;
using RecServices.Core.Bundles;

namespace RecServices.Training.Bundling;

/// <summary>
/// The item-item table from an approximate nearest-neighbour index (USearch HNSW, cosine metric) for
/// catalogs too large for the exact O(N²) table: build the index over V_m, then ask it for each item's
/// K + 1 nearest and drop the item itself. Recall against the exact table is measured in the tests.
/// </summary>
public static class ApproximateSimilarItems
{
    public const string Description = "approximate (USearch HNSW, cosine, M=16, ef_construction=128, ef_search=64)";

    public static SimilarItems Build(float[] vectors, int count, int dimension, int k)
    {
        var unit = ExactSimilarItems.Normalize(vectors, count, dimension);
        k = Math.Max(1, Math.Min(k, count - 1));
        using var index = new USearchIndex(MetricKind.Cos, ScalarKind.Float32, (ulong)dimension, 16, 128, 64, false);
        // One batch Add: the binding reserves capacity for the whole batch once (single Adds grow it one
        // slot at a time, which is quadratic), then inserts sequentially. Searches run on all cores.
        var keys = new ulong[count];
        var rows = new float[count][];
        for (var i = 0; i < count; i++)
        {
            keys[i] = (ulong)i;
            rows[i] = unit.AsSpan(i * dimension, dimension).ToArray();
        }

        index.Add(keys, rows);
        rows = null;

        var neighbours = new int[count * k];
        var scores = new float[count * k];
        Array.Fill(neighbours, -1);
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new float[dimension],
            (i, _, query) =>
            {
                unit.AsSpan(i * dimension, dimension).CopyTo(query);
                var found = index.Search(query, k + 1, out var keys, out var distances);
                var j = 0;
                for (var n = 0; n < found && j < k; n++)
                {
                    var other = (int)keys[n];
                    if (other == i)
                    {
                        continue;
                    }

                    neighbours[(i * k) + j] = other;
                    scores[(i * k) + j] = Math.Clamp(1f - distances[n], -1f, 1f);
                    j++;
                }

                return query;
            },
            _ => { });
        return new SimilarItems(count, k, neighbours, scores);
    }
}
