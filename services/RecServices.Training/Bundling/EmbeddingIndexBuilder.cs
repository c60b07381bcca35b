using System.Globalization;
using RecServices.Core.Bundles;
using RecServices.Core.Ranking;

namespace RecServices.Training.Bundling;

/// <summary>
/// Builds the embedding source's <see cref="EmbeddingIndex"/> over the served V_m (popularity column included) on the
/// bundle's <see cref="ItemPartitions"/>: each partition's centroid is the mean V_m of its items, so a query probes the
/// partitions with the highest V_u · centroid. The probe count is the smallest whose recall@<see cref="RecallAt"/>
/// reaches <see cref="RecallTarget"/> on one half of a sample of real users' V_u (computed from their exact top lists,
/// without searching); recall is then measured with the built index on the other half, and that is what the manifest
/// records. Seen items are not excluded in either: recall is the index's, not the request's.
/// </summary>
public static class EmbeddingIndexBuilder
{
    public const double RecallTarget = 0.95;

    /// <summary>The list length recall is measured at: the size of an embedding quota worth serving.</summary>
    public const int RecallAt = 50;

    public static (EmbeddingIndex Index, IndexSummary Summary) Build(
        float[] vectors,
        int count,
        int width,
        ItemPartitions partitions,
        float[] users,
        int userCount,
        double seconds,
        Action<string> log
    )
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var c = partitions.Count;
        var (order, offsets) = (partitions.Order, partitions.Offsets);
        var rows = new float[(long)count * width];
        var centroids = new float[c * width];
        for (var p = 0; p < c; p++)
        {
            var centroid = centroids.AsSpan(p * width, width);
            for (var j = offsets[p]; j < offsets[p + 1]; j++)
            {
                var row = vectors.AsSpan(order[j] * width, width);
                row.CopyTo(rows.AsSpan(j * width));
                System.Numerics.Tensors.TensorPrimitives.Add(centroid, row, centroid);
            }

            var size = offsets[p + 1] - offsets[p];
            System.Numerics.Tensors.TensorPrimitives.Multiply(centroid, size == 0 ? 0f : 1f / size, centroid);
        }

        var k = Math.Min(RecallAt, count);
        var half = userCount / 2;
        var choose = users.AsSpan(0, half * width).ToArray();
        var measure = users.AsSpan(half * width, (userCount - half) * width).ToArray();
        var probes = ChooseProbes(vectors, count, width, k, partitions, centroids, choose, half);
        var index = new EmbeddingIndex(count, width, probes, centroids, offsets, order, rows);

        var exact = BlockedTopK.Exact(vectors, count, width, k, measure, userCount - half, null);
        var (hits, total) = (0L, 0L);
        var found = new int[k];
        var scores = new float[k];
        for (var u = 0; u < userCount - half; u++)
        {
            var n = index.Search(measure.AsSpan(u * width, width), probes, null, found, scores);
            var truth = exact.Ids.AsSpan(u * k, exact.Sizes[u]);
            total += truth.Length;
            foreach (var item in truth)
            {
                hits += found.AsSpan(0, n).Contains(item) ? 1 : 0;
            }
        }

        var recall = total == 0 ? 1 : (double)hits / total;
        var took = seconds + clock.Elapsed.TotalSeconds;
        log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"embedding index: {c} partitions, {probes} probed per query (about "
                    + $"{(double)count * probes / c:F0} of {count} items scored), recall@{k} {recall:F3} on "
                    + $"{userCount - half} users' V_u against exact inner-product search"
            )
        );
        return (
            index,
            new IndexSummary(
                "partitioned inner product (IVF)",
                c,
                probes,
                k,
                Math.Round(recall, 4),
                userCount - half,
                Math.Round(took, 2)
            )
        );
    }

    private static int ChooseProbes(
        float[] vectors,
        int count,
        int width,
        int k,
        ItemPartitions partitions,
        float[] centroids,
        float[] users,
        int userCount
    )
    {
        var c = partitions.Count;
        if (userCount == 0)
        {
            return c;
        }

        var exact = BlockedTopK.Exact(vectors, count, width, k, users, userCount, null);
        var needed = new List<int>();
        var centroidScores = new float[c];
        var byScore = new int[c];
        var rank = new int[c];
        for (var u = 0; u < userCount; u++)
        {
            VectorScorer.ScoreAll(users.AsSpan(u * width, width), centroids, centroidScores);
            TopK.Select(centroidScores, byScore);
            for (var i = 0; i < c; i++)
            {
                rank[byScore[i]] = i;
            }

            foreach (var item in exact.Ids.AsSpan(u * k, exact.Sizes[u]))
            {
                needed.Add(rank[partitions.Assignment[item]]);
            }
        }

        return partitions.ProbesFor(needed, RecallTarget);
    }
}
