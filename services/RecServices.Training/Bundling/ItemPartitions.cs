using RecServices.Training.Nn;

namespace RecServices.Training.Bundling;

/// <summary>
/// The catalog split into about √N partitions by spherical k-means over the unit item vectors (the towers' part of
/// V_m), in partition order: partition p holds items <c>Order[Offsets[p] .. Offsets[p+1])</c>. The partitioned
/// item-item table and the embedding index share one split.
/// </summary>
public sealed class ItemPartitions
{
    private ItemPartitions(int[] assignment, float[] unitCentroids, int partitions, int dimension)
    {
        (Assignment, UnitCentroids, Count, Dimension) = (assignment, unitCentroids, partitions, dimension);
        Offsets = new int[partitions + 1];
        foreach (var p in assignment)
        {
            Offsets[p + 1]++;
        }

        for (var p = 0; p < partitions; p++)
        {
            Offsets[p + 1] += Offsets[p];
        }

        Order = new int[assignment.Length];
        var next = Offsets[..^1].ToArray();
        for (var item = 0; item < assignment.Length; item++)
        {
            Order[next[assignment[item]]++] = item;
        }
    }

    /// <summary>Partitions.</summary>
    public int Count { get; }

    public int Dimension { get; }

    /// <summary>Each item's partition.</summary>
    public int[] Assignment { get; }

    /// <summary>Unit centroids, [partitions × dimension].</summary>
    public float[] UnitCentroids { get; }

    public int[] Offsets { get; }

    /// <summary>Items in partition order.</summary>
    public int[] Order { get; }

    public int SizeOf(int partition) => Offsets[partition + 1] - Offsets[partition];

    public static ItemPartitions Fit(float[] unit, int count, int dimension, int seed)
    {
        var partitions = SphericalKMeans.PartitionsFor(count);
        var (assignment, centroids) = SphericalKMeans.Fit(unit, count, dimension, partitions, seed);
        return new ItemPartitions(assignment, centroids, partitions, dimension);
    }

    /// <summary>
    /// The smallest probe count that finds <paramref name="target"/> of the true neighbours, given for each true
    /// neighbour the rank (0 = probed first) of its partition among those its query probes (sorted in place); one
    /// when there are none.
    /// </summary>
    public int ProbesFor(List<int> neededRanks, double target)
    {
        if (neededRanks.Count == 0)
        {
            return 1;
        }

        neededRanks.Sort();
        return Math.Clamp(
            neededRanks[(int)Math.Min(neededRanks.Count - 1, Math.Ceiling(target * neededRanks.Count) - 1)] + 1,
            1,
            Count
        );
    }

    /// <summary>
    /// For every partition, every partition by descending cosine of their centroids (itself first): [partitions ×
    /// partitions].
    /// </summary>
    public int[] ProbeOrder()
    {
        var (c, d) = (Count, Dimension);
        var centroidsT = MatrixOps.RentTranspose(UnitCentroids, c, d);
        var similarity = new float[c * c];
        Gemm.Multiply(UnitCentroids, c, d, centroidsT, c, similarity, accumulate: false);
        System.Buffers.ArrayPool<float>.Shared.Return(centroidsT);
        var order = new int[c * c];
        MatrixOps.ForRanges(
            c,
            (start, end) =>
            {
                var keys = new float[c];
                for (var p = start; p < end; p++)
                {
                    for (var q = 0; q < c; q++)
                    {
                        keys[q] = q == p ? float.NegativeInfinity : -similarity[(p * c) + q];
                        order[(p * c) + q] = q;
                    }

                    keys.AsSpan().Sort(order.AsSpan(p * c, c));
                }
            }
        );
        return order;
    }
}
