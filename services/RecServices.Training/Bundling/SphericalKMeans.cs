using System.Numerics.Tensors;
using RecServices.Training.Nn;

namespace RecServices.Training.Bundling;

/// <summary>
/// Partitions unit vectors by spherical k-means: centroids fitted on a seeded sample (<see cref="SamplePerPartition"/>
/// rows per partition, <see cref="Iterations"/> rounds, an emptied partition reseeded from a random sample row), then
/// every row assigned to the centroid it has the highest cosine with. Assignment is a blocked matrix multiply, so a
/// million rows into a thousand partitions take seconds.
/// </summary>
public static class SphericalKMeans
{
    public const int SamplePerPartition = 64;

    public const int Iterations = 10;

    private const int Block = 2048;

    /// <summary>
    /// The partition count for <paramref name="count"/> items: about √N, so a probe reads about √N rows.
    /// </summary>
    public static int PartitionsFor(int count) => Math.Clamp((int)Math.Round(Math.Sqrt(count)), 1, Math.Max(1, count));

    /// <summary>Each row's partition and the unit centroids ([partitions × dimension]).</summary>
    public static (int[] Assignment, float[] Centroids) Fit(
        float[] unit,
        int count,
        int dimension,
        int partitions,
        int seed
    )
    {
        partitions = Math.Clamp(partitions, 1, Math.Max(1, count));
        var rng = new Random(seed);
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        var sampleCount = (int)Math.Min(count, (long)partitions * SamplePerPartition);
        var sample = new float[sampleCount * dimension];
        for (var s = 0; s < sampleCount; s++)
        {
            unit.AsSpan(order[s] * dimension, dimension).CopyTo(sample.AsSpan(s * dimension));
        }

        var centroids = new float[partitions * dimension];
        sample.AsSpan(0, partitions * dimension).CopyTo(centroids);
        var sampleAssignment = new int[sampleCount];
        var sums = new double[partitions * dimension];
        var sizes = new int[partitions];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            Assign(sample, sampleCount, dimension, centroids, partitions, sampleAssignment);
            Array.Clear(sums);
            Array.Clear(sizes);
            for (var s = 0; s < sampleCount; s++)
            {
                var p = sampleAssignment[s];
                sizes[p]++;
                for (var d = 0; d < dimension; d++)
                {
                    sums[(p * dimension) + d] += sample[(s * dimension) + d];
                }
            }

            for (var p = 0; p < partitions; p++)
            {
                var centroid = centroids.AsSpan(p * dimension, dimension);
                if (sizes[p] == 0)
                {
                    sample.AsSpan(rng.Next(sampleCount) * dimension, dimension).CopyTo(centroid);
                    continue;
                }

                for (var d = 0; d < dimension; d++)
                {
                    centroid[d] = (float)sums[(p * dimension) + d];
                }

                var norm = TensorPrimitives.Norm(centroid);
                TensorPrimitives.Multiply(centroid, norm > 0 ? 1f / norm : 0f, centroid);
            }
        }

        var assignment = new int[count];
        Assign(unit, count, dimension, centroids, partitions, assignment);
        return (assignment, centroids);
    }

    /// <summary>
    /// assignment[r] = the centroid with the highest inner product with row r (ties: the lower partition).
    /// </summary>
    public static void Assign(
        float[] rows,
        int count,
        int dimension,
        float[] centroids,
        int partitions,
        int[] assignment
    )
    {
        var centroidsT = MatrixOps.RentTranspose(centroids, partitions, dimension);

        var block = new float[Block * dimension];
        var scores = new float[Block * partitions];
        for (var start = 0; start < count; start += Block)
        {
            var n = Math.Min(Block, count - start);
            rows.AsSpan(start * dimension, n * dimension).CopyTo(block);
            Gemm.Multiply(block, n, dimension, centroidsT, partitions, scores, accumulate: false);
            var from = start;
            MatrixOps.ForRanges(
                n,
                (a, b) =>
                {
                    for (var r = a; r < b; r++)
                    {
                        assignment[from + r] = TensorPrimitives.IndexOfMax<float>(
                            scores.AsSpan(r * partitions, partitions)
                        );
                    }
                }
            );
        }

        System.Buffers.ArrayPool<float>.Shared.Return(centroidsT);
    }
}
