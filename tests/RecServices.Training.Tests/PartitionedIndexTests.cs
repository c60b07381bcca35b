using System.Numerics.Tensors;
using RecServices.Training.Bundling;

namespace RecServices.Training.Tests;

/// <summary>
/// The partitioned item-item table and embedding index against exact search on seeded clustered vectors.
/// </summary>
public sealed class PartitionedIndexTests
{
    private const int Count = 3_000;
    private const int Dim = 16;
    private const int K = 10;

    [Fact]
    public void Fit_ClusteredVectors_PutsEveryItemInExactlyOnePartitionInPartitionOrder()
    {
        var unit = ExactSimilarItems.Normalize(Clustered(4), Count, Dim);

        var partitions = ItemPartitions.Fit(unit, Count, Dim, seed: 1);

        Assert.Equal(SphericalKMeans.PartitionsFor(Count), partitions.Count);
        Assert.Equal(Enumerable.Range(0, Count), partitions.Order.Order());
        for (var p = 0; p < partitions.Count; p++)
        {
            Assert.All(
                partitions.Order[partitions.Offsets[p]..partitions.Offsets[p + 1]],
                item => Assert.Equal(p, partitions.Assignment[item])
            );
        }

        var again = ItemPartitions.Fit(unit, Count, Dim, seed: 1);
        Assert.Equal(partitions.Assignment, again.Assignment); // seeded: the same split every build
    }

    [Fact]
    public void ExactTable_ClusteredVectors_IsTheBruteForceTopKOfEveryItemWithoutItself()
    {
        const int n = 700;
        var unit = ExactSimilarItems.Normalize(Clustered(4)[..(n * Dim)], n, Dim);

        var table = ExactSimilarItems.Build(unit, n, Dim, K);

        for (var i = 0; i < n; i++)
        {
            double Cosine(int j) => Enumerable.Range(0, Dim).Sum(d => (double)unit[i * Dim + d] * unit[j * Dim + d]);
            var expected = Enumerable.Range(0, n).Where(j => j != i).Select(Cosine).OrderDescending().Take(K).ToArray();
            var neighbours = table.Of(i).ToArray();
            Assert.DoesNotContain(i, neighbours);
            Assert.Equal(K, neighbours.Distinct().Count());
            for (var r = 0; r < K; r++)
            {
                // Each place holds an item as similar as the brute force's item at that place (float rounding apart).
                Assert.Equal(expected[r], Cosine(neighbours[r]), 1e-5);
                Assert.Equal(expected[r], table.ScoresOf(i)[r], 1e-5);
            }
        }
    }

    [Fact]
    public void Build_ClusteredVectors_ReachesTheRecallTargetAgainstTheExactTable()
    {
        var unit = ExactSimilarItems.Normalize(Clustered(4), Count, Dim);
        var partitions = ItemPartitions.Fit(unit, Count, Dim, seed: 1);

        var (table, probes) = PartitionedSimilarItems.Build(unit, Count, Dim, K, partitions, seed: 2, _ => { });

        var exact = ExactSimilarItems.Build(unit, Count, Dim, K);
        var hits = 0;
        for (var i = 0; i < Count; i++)
        {
            Assert.DoesNotContain(i, table.Of(i).ToArray());
            Assert.Equal(K, table.Of(i).Length);
            var truth = exact.Of(i).ToArray().ToHashSet();
            foreach (var n in table.Of(i))
            {
                hits += truth.Contains(n) ? 1 : 0;
            }

            // Scores are the neighbours' cosines, best first.
            var scores = table.ScoresOf(i).ToArray();
            Assert.Equal(scores.OrderByDescending(s => s), scores);
            Assert.InRange(
                Math.Abs(
                    TensorPrimitives.Dot<float>(unit.AsSpan(i * Dim, Dim), unit.AsSpan(table.Of(i)[0] * Dim, Dim))
                        - scores[0]
                ),
                0,
                1e-5
            );
        }

        Assert.InRange(probes, 1, partitions.Count);
        var recall = hits / (double)(Count * K);
        Assert.True(
            recall >= 0.93,
            $"recall@{K} over every item = {recall:F3} with {probes} of {partitions.Count} partitions probed"
        );
        // the sampled estimate is near the full one
        Assert.Equal(recall, PartitionedSimilarItems.MeasureRecall(unit, Count, Dim, table, seed: 9), 1);
    }

    [Fact]
    public void BuildEmbeddingIndex_UserVectors_RecordsRecallNearTheTargetOnUsersItWasNotTunedOn()
    {
        var vectors = Clustered(4);
        var unit = ExactSimilarItems.Normalize(vectors, Count, Dim);
        var partitions = ItemPartitions.Fit(unit, Count, Dim, seed: 1);
        var rng = new Random(8);
        const int Users = 400;
        var users = new float[Users * Dim];
        for (var u = 0; u < Users; u++)
        {
            // A user leans towards one item's direction, as a trained V_u leans towards the items it likes.
            var liked = rng.Next(Count);
            for (var d = 0; d < Dim; d++)
            {
                users[(u * Dim) + d] = vectors[(liked * Dim) + d] + (float)((rng.NextDouble() - 0.5) * 0.5);
            }
        }

        var (index, summary) = EmbeddingIndexBuilder.Build(vectors, Count, Dim, partitions, users, Users, 0, _ => { });

        Assert.Equal(partitions.Count, index.Partitions);
        Assert.Equal(index.Probes, summary.Probes);
        Assert.Equal(EmbeddingIndexBuilder.RecallAt, summary.RecallAt);
        Assert.Equal(Users / 2, summary.Sample);
        Assert.True(
            summary.Recall >= 0.9,
            $"recall@{summary.RecallAt} {summary.Recall:F3} on held-out users with {summary.Probes} of "
                + $"{summary.Partitions} partitions"
        );
        for (var p = 0; p < index.Partitions; p++)
        {
            // Each centroid is the mean V_m of its partition.
            var members = index.Items[index.Offsets[p]..index.Offsets[p + 1]].ToArray();
            var mean = Enumerable.Range(0, Dim).Select(d => members.Average(i => vectors[(i * Dim) + d])).ToArray();
            Assert.Equal(mean, index.Centroids.Slice(p * Dim, Dim).ToArray(), (a, b) => Math.Abs(a - b) < 1e-4);
        }
    }

    /// <summary>Seeded vectors around 60 random centres.</summary>
    private static float[] Clustered(int seed)
    {
        var rng = new Random(seed);
        var centres = Enumerable
            .Range(0, 60)
            .Select(_ => Enumerable.Range(0, Dim).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray())
            .ToArray();
        var vectors = new float[Count * Dim];
        for (var i = 0; i < Count; i++)
        {
            var c = centres[rng.Next(centres.Length)];
            for (var d = 0; d < Dim; d++)
            {
                vectors[(i * Dim) + d] = c[d] + (float)((rng.NextDouble() - 0.5) * 0.6);
            }
        }

        return vectors;
    }
}
