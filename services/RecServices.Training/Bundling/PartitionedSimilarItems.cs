using System.Globalization;
using RecServices.Core.Bundles;

namespace RecServices.Training.Bundling;

/// <summary>
/// The item-item table for catalogs past the exact table's reach: the unit vectors split into about √N partitions
/// (<see cref="ItemPartitions"/>), and each partition's items scored exactly, by blocked matrix multiplies, against the
/// items of the <c>probes</c> partitions whose centroids are nearest its own. The probe count is the smallest that
/// reaches <see cref="RecallTarget"/> on one seeded sample of <see cref="SampleSize"/> items (computed from their exact
/// neighbours without building anything); recall is then measured on a second, independent sample against the built
/// table, and that is the number the manifest records.
/// </summary>
public static class PartitionedSimilarItems
{
    public const double RecallTarget = 0.97;

    public const int SampleSize = 1_000;

    public static string Describe(int partitions, int probes) =>
        $"approximate (partitioned: {partitions} spherical k-means partitions, {probes} probed per "
        + $"partition, exact scores within)";

    public static (SimilarItems Table, int Probes) Build(
        float[] unit,
        int count,
        int dimension,
        int k,
        ItemPartitions partitions,
        int seed,
        Action<string> log
    )
    {
        k = Math.Max(1, Math.Min(k, count - 1));
        var probeOrder = partitions.ProbeOrder();
        var probes = ChooseProbes(unit, count, dimension, k, partitions, probeOrder, seed, log);

        // Rows in partition order: a partition's items are one contiguous block of queries and of targets.
        var c = partitions.Count;
        var (order, offsets) = (partitions.Order, partitions.Offsets);
        var rows = new float[unit.Length];
        for (var j = 0; j < count; j++)
        {
            unit.AsSpan(order[j] * dimension, dimension).CopyTo(rows.AsSpan(j * dimension));
        }

        var top = new BlockedTopK(count, k, dimension);
        var progress = new StepProgress("item-item table", count, log);
        for (var h = 0; h < c; h++)
        {
            if (partitions.SizeOf(h) == 0)
            {
                continue;
            }

            top.ClearTargets();
            for (var i = 0; i < probes; i++)
            {
                var p = probeOrder[(h * c) + i];
                for (var j = offsets[p]; j < offsets[p + 1]; j++)
                {
                    top.AddTarget(order[j], rows.AsSpan(j * dimension, dimension));
                    if (top.TargetsFull)
                    {
                        ScoreHome(top, rows, order, offsets[h], offsets[h + 1], dimension);
                        top.ClearTargets();
                    }
                }
            }

            ScoreHome(top, rows, order, offsets[h], offsets[h + 1], dimension);
            progress.Advance(partitions.SizeOf(h));
        }

        top.SortAll();
        return (ToTable(top, count, k), probes);
    }

    /// <summary>
    /// recall@k of <paramref name="table"/> against exact search on <see cref="SampleSize"/> items drawn with
    /// <paramref name="seed"/>.
    /// </summary>
    public static double MeasureRecall(float[] unit, int count, int dimension, SimilarItems table, int seed)
    {
        var sample = Sample(count, seed);
        var exact = Exact(unit, count, dimension, table.K, sample);
        var (hits, total) = (0L, 0L);
        for (var s = 0; s < sample.Length; s++)
        {
            var truth = exact.Ids.AsSpan(s * table.K, exact.Sizes[s]);
            var found = table.Of(sample[s]);
            total += truth.Length;
            foreach (var item in truth)
            {
                hits += found.Contains(item) ? 1 : 0;
            }
        }

        return total == 0 ? 1 : (double)hits / total;
    }

    /// <summary>
    /// The smallest probe count whose recall@k on a sample reaches the target (every partition at worst).
    /// </summary>
    private static int ChooseProbes(
        float[] unit,
        int count,
        int dimension,
        int k,
        ItemPartitions partitions,
        int[] probeOrder,
        int seed,
        Action<string> log
    )
    {
        var c = partitions.Count;
        var sample = Sample(count, seed);
        var exact = Exact(unit, count, dimension, k, sample);

        // A true neighbour is found with P probes when its partition is among the first P its query's partition probes.
        var rank = new int[c * c];
        for (var h = 0; h < c; h++)
        {
            for (var i = 0; i < c; i++)
            {
                rank[(h * c) + probeOrder[(h * c) + i]] = i;
            }
        }

        var needed = new List<int>();
        for (var s = 0; s < sample.Length; s++)
        {
            var home = partitions.Assignment[sample[s]];
            foreach (var neighbour in exact.Ids.AsSpan(s * k, exact.Sizes[s]))
            {
                needed.Add(rank[(home * c) + partitions.Assignment[neighbour]]);
            }
        }

        var probes = partitions.ProbesFor(needed, RecallTarget);
        var sizes = partitions.Offsets.Zip(partitions.Offsets.Skip(1), (a, b) => b - a).ToArray();
        log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"item-item table: {c} partitions (sizes {sizes.Min()}..{sizes.Max()}), "
                    + $"{probes} probed per partition for recall@{k} {RecallTarget:F2} on {sample.Length} "
                    + $"sampled items"
            )
        );
        return probes;
    }

    private static void ScoreHome(BlockedTopK top, float[] rows, int[] order, int from, int to, int dimension)
    {
        if (top.TargetCount == 0)
        {
            return;
        }

        for (var start = from; start < to; start += BlockedTopK.QueryBlock)
        {
            var n = Math.Min(BlockedTopK.QueryBlock, to - start);
            var ids = order.AsSpan(start, n);
            top.Score(ids, rows.AsSpan(start * dimension, n * dimension), ids);
        }
    }

    /// <summary>The exact k nearest (by inner product of unit vectors) of each sampled item, never itself.</summary>
    private static BlockedTopK Exact(float[] unit, int count, int dimension, int k, int[] sample)
    {
        var rows = new float[sample.Length * dimension];
        for (var s = 0; s < sample.Length; s++)
        {
            unit.AsSpan(sample[s] * dimension, dimension).CopyTo(rows.AsSpan(s * dimension));
        }

        return BlockedTopK.Exact(unit, count, dimension, k, rows, sample.Length, sample);
    }

    private static int[] Sample(int count, int seed)
    {
        var items = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(items);
        return items[..Math.Min(SampleSize, count)];
    }

    /// <summary>
    /// The table of each item's kept neighbours (sorted), scores clamped to the cosine's range, -1 where fewer than
    /// K.
    /// </summary>
    internal static SimilarItems ToTable(BlockedTopK top, int count, int k)
    {
        var neighbours = new int[count * k];
        var scores = new float[count * k];
        Array.Fill(neighbours, -1);
        for (var i = 0; i < count; i++)
        {
            var size = top.Sizes[i];
            top.Ids.AsSpan(i * k, size).CopyTo(neighbours.AsSpan(i * k));
            for (var j = 0; j < size; j++)
            {
                scores[(i * k) + j] = Math.Clamp(top.Scores[(i * k) + j], -1f, 1f);
            }
        }

        return new SimilarItems(count, k, neighbours, scores);
    }
}
