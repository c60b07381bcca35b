using System.Numerics.Tensors;
using RecServices.Core.Bundles;

namespace RecServices.Core.Tests.Bundles;

/// <summary>The partitioned inner-product index: search against brute force, and the file's checks.</summary>
public sealed class EmbeddingIndexTests : IDisposable
{
    private const int Count = 600;
    private const int Dim = 8;
    private const int Partitions = 12;
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Search_EveryPartitionProbed_IsExactInnerProductTopKWithoutExcludedItems()
    {
        var (index, vectors) = Build(probes: 3);
        var rng = new Random(9);
        for (var q = 0; q < 20; q++)
        {
            var query = RandomVector(rng);
            var excluded = Enumerable.Range(0, 40).Select(_ => rng.Next(Count)).ToHashSet();
            var (items, scores) = (new int[25], new float[25]);

            var n = index.Search(query, Partitions, excluded, items, scores);

            var expected = Enumerable
                .Range(0, Count)
                .Where(i => !excluded.Contains(i))
                .Select(i => (Item: i, Score: TensorPrimitives.Dot<float>(query, vectors.AsSpan(i * Dim, Dim))))
                .OrderByDescending(e => e.Score)
                .ThenBy(e => e.Item)
                .Take(25)
                .ToList();
            Assert.Equal(25, n);
            Assert.Equal(expected.Select(e => e.Item), items);
            Assert.Equal(expected.Select(e => e.Score), scores);
        }
    }

    [Fact]
    public void Search_FewProbes_ScoresOnlyThePartitionsWithTheBestCentroids()
    {
        var (index, vectors) = Build(probes: 3);
        var query = RandomVector(new Random(2));
        var (items, scores) = (new int[Count], new float[Count]);

        var n = index.Search(query, 2, null, items, scores);

        var centroidScores = Enumerable
            .Range(0, Partitions)
            .Select(p => TensorPrimitives.Dot<float>(query, index.Centroids.Slice(p * Dim, Dim)))
            .ToArray();
        var probed = Enumerable.Range(0, Partitions).OrderByDescending(p => centroidScores[p]).Take(2).ToList();
        var expected = probed
            .SelectMany(p => index.Items[index.Offsets[p]..index.Offsets[p + 1]].ToArray())
            .OrderByDescending(i => TensorPrimitives.Dot<float>(query, vectors.AsSpan(i * Dim, Dim)))
            .ThenBy(i => i)
            .ToList();
        Assert.Equal(expected, items[..n]);
    }

    [Fact]
    public void Read_WrittenIndex_ServesTheSameResultsFromTheMap()
    {
        var (index, _) = Build(probes: 4);
        var path = Path.Combine(_dir.Path, EmbeddingIndex.FileName);
        index.Write(path);

        var read = EmbeddingIndex.Read(path, Count, Dim);

        Assert.Equal((Partitions, 4), (read.Partitions, read.Probes));
        var query = RandomVector(new Random(5));
        var (a, b, sa, sb) = (new int[30], new int[30], new float[30], new float[30]);
        Assert.Equal(index.Search(query, 4, null, a, sa), read.Search(query, read.Probes, null, b, sb));
        Assert.Equal(a, b);
        Assert.Equal(sa, sb);
    }

    [Theory]
    [InlineData("duplicate", "every item must appear exactly once")]
    [InlineData("offsets", "before it starts")]
    [InlineData("nan", "not a finite number")]
    [InlineData("truncated", "embedding_index.bin")]
    public void Read_CorruptIndex_FailsNamingTheFileAndTheProblem(string corruption, string expected)
    {
        var (index, _) = Build(probes: 2);
        var path = Path.Combine(_dir.Path, EmbeddingIndex.FileName);
        index.Write(path);
        var bytes = File.ReadAllBytes(path);
        var header = 12 + 16;
        var centroids = header + (Partitions * Dim * 4);
        var items = centroids + ((Partitions + 1) * 4);
        switch (corruption)
        {
            case "duplicate":
                BitConverter.GetBytes(BitConverter.ToInt32(bytes, items)).CopyTo(bytes, items + 4);
                break;
            case "offsets":
                BitConverter.GetBytes(Count - 1).CopyTo(bytes, centroids + 4);
                break;
            case "nan":
                BitConverter.GetBytes(float.NaN).CopyTo(bytes, bytes.Length - 4);
                break;
            default:
                bytes = bytes[..^4];
                break;
        }

        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<BundleFormatException>(() => EmbeddingIndex.Read(path, Count, Dim));

        Assert.Contains(EmbeddingIndex.FileName, e.Message);
        Assert.Contains(expected, e.Message);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Random vectors split into partitions by their largest coordinate's position modulo the partitions.
    /// </summary>
    private static (EmbeddingIndex Index, float[] Vectors) Build(int probes)
    {
        var rng = new Random(1);
        var vectors = Enumerable.Range(0, Count * Dim).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        var partition = Enumerable.Range(0, Count).Select(i => i % Partitions).ToArray();
        var order = Enumerable.Range(0, Count).OrderBy(i => partition[i]).ThenBy(i => i).ToArray();
        var offsets = new int[Partitions + 1];
        foreach (var p in partition)
        {
            offsets[p + 1]++;
        }

        for (var p = 0; p < Partitions; p++)
        {
            offsets[p + 1] += offsets[p];
        }

        var rows = order.SelectMany(i => vectors.AsSpan(i * Dim, Dim).ToArray()).ToArray();
        var centroids = new float[Partitions * Dim];
        for (var p = 0; p < Partitions; p++)
        {
            for (var j = offsets[p]; j < offsets[p + 1]; j++)
            {
                TensorPrimitives.Add(
                    centroids.AsSpan(p * Dim, Dim),
                    rows.AsSpan(j * Dim, Dim),
                    centroids.AsSpan(p * Dim, Dim)
                );
            }
        }

        return (new EmbeddingIndex(Count, Dim, probes, centroids, offsets, order, rows), vectors);
    }

    private static float[] RandomVector(Random rng) =>
        Enumerable.Range(0, Dim).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
}
