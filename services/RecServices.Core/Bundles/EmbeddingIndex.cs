using System.Buffers;
using System.Numerics.Tensors;
using RecServices.Core.Ranking;

namespace RecServices.Core.Bundles;

/// <summary>
/// The approximate inner-product index over V_m that the embedding source searches: the items split into partitions
/// (an inverted file, IVF), each with the mean V_m of its items as its centroid. A query V_u scores every centroid,
/// then scores exactly the items of the <c>probes</c> partitions whose centroids score highest: the cost of a query is
/// the partitions probed times their size, not the catalog. The rows of each partition are stored together (in
/// partition order), so a probe reads one contiguous block through the memory map. File <c>embedding_index.bin</c>,
/// little-endian:
/// <code>
/// header   8 bytes "RSIVFIDX", int32 version = 1
/// int32 N (item count, must equal the catalog's), int32 D (must equal the manifest's tower output)
/// int32 C (partitions, 1..N), int32 probes (partitions a query probes by default, chosen at build time, 1..C)
/// C × D float32     centroids, finite
/// (C + 1) × int32   offsets: offsets[0] = 0, non-decreasing, offsets[C] = N; partition p holds rows
/// offsets[p]..offsets[p+1] N × int32         items: row j is item items[j]; every item exactly once N × D float32
/// vectors: row j = V_m of items[j], finite
/// </code>
/// </summary>
public sealed class EmbeddingIndex
{
    public const string FileName = "embedding_index.bin";
    private const string Magic = "RSIVFIDX";
    private const int Version = 1;

    private readonly float[]? _centroids;
    private readonly int[]? _offsets;
    private readonly int[]? _items;
    private readonly float[]? _vectors;
    private readonly MappedFile? _mapped;
    private readonly long _centroidsAt;
    private readonly long _offsetsAt;
    private readonly long _itemsAt;
    private readonly long _vectorsAt;

    /// <summary>
    /// An index held in arrays (as built in process); <paramref name="vectors"/> are in partition order.
    /// </summary>
    public EmbeddingIndex(
        int count,
        int dimension,
        int probes,
        float[] centroids,
        int[] offsets,
        int[] items,
        float[] vectors
    )
    {
        (Count, Dimension, Partitions, Probes) = (count, dimension, offsets.Length - 1, probes);
        (_centroids, _offsets, _items, _vectors) = (centroids, offsets, items, vectors);
        var problem = Check(count, dimension, Partitions, probes, centroids, offsets, items, vectors);
        if (problem is not null)
        {
            throw new ArgumentException(problem);
        }
    }

    private EmbeddingIndex(int count, int dimension, int partitions, int probes, MappedFile mapped, long at)
    {
        (Count, Dimension, Partitions, Probes, _mapped) = (count, dimension, partitions, probes, mapped);
        _centroidsAt = at;
        _offsetsAt = _centroidsAt + ((long)partitions * dimension * sizeof(float));
        _itemsAt = _offsetsAt + ((long)(partitions + 1) * sizeof(int));
        _vectorsAt = _itemsAt + ((long)count * sizeof(int));
    }

    public int Count { get; }

    public int Dimension { get; }

    public int Partitions { get; }

    /// <summary>
    /// Partitions probed per query unless the caller says otherwise (chosen at build time for a recall target).
    /// </summary>
    public int Probes { get; }

    public ReadOnlySpan<float> Centroids => _centroids ?? _mapped!.Span<float>(_centroidsAt, Partitions * Dimension);

    public ReadOnlySpan<int> Offsets => _offsets ?? _mapped!.Span<int>(_offsetsAt, Partitions + 1);

    public ReadOnlySpan<int> Items => _items ?? _mapped!.Span<int>(_itemsAt, Count);

    /// <summary>V_m in partition order (row j belongs to item <c>Items[j]</c>).</summary>
    public ReadOnlySpan<float> Vectors => _vectors ?? _mapped!.Span<float>(_vectorsAt, Count * Dimension);

    /// <summary>
    /// The items with the highest <c>query · V_m</c> among the <paramref name="probes"/> best partitions, skipping
    /// <paramref name="excluded"/>: up to <c>items.Length</c> of them into <paramref name="items"/> and
    /// <paramref name="scores"/>, best first (ties by lower item). Returns how many were written.
    /// </summary>
    public int Search(
        ReadOnlySpan<float> query,
        int probes,
        IReadOnlySet<int>? excluded,
        Span<int> items,
        Span<float> scores
    )
    {
        if (query.Length != Dimension)
        {
            throw new ArgumentException(
                $"the query has {query.Length} values; the index holds {Dimension}-dimensional vectors",
                nameof(query)
            );
        }

        var k = Math.Min(items.Length, scores.Length);
        probes = Math.Clamp(probes, 1, Partitions);
        var centroidScores = ArrayPool<float>.Shared.Rent(Partitions);
        var chosen = ArrayPool<int>.Shared.Rent(probes);
        var rowScores = ArrayPool<float>.Shared.Rent(1024);
        try
        {
            VectorScorer.ScoreAll(query, Centroids, centroidScores.AsSpan(0, Partitions));
            var probed = TopK.Select(centroidScores.AsSpan(0, Partitions), chosen.AsSpan(0, probes));
            var offsets = Offsets;
            var ids = Items;
            var vectors = Vectors;
            var size = 0;
            for (var c = 0; c < probed; c++)
            {
                var p = chosen[c];
                for (var start = offsets[p]; start < offsets[p + 1]; start += rowScores.Length)
                {
                    var n = Math.Min(rowScores.Length, offsets[p + 1] - start);
                    VectorScorer.ScoreAll(
                        query,
                        vectors.Slice(start * Dimension, n * Dimension),
                        rowScores.AsSpan(0, n)
                    );
                    for (var j = 0; j < n; j++)
                    {
                        var item = ids[start + j];
                        if (
                            rowScores[j] >= RunningTopK.Threshold(scores, size, k)
                            && (excluded is null || !excluded.Contains(item))
                        )
                        {
                            RunningTopK.Offer(items[..k], scores[..k], ref size, item, rowScores[j]);
                        }
                    }
                }
            }

            RunningTopK.Sort(items, scores, size);
            return size;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(centroidScores);
            ArrayPool<int>.Shared.Return(chosen);
            ArrayPool<float>.Shared.Return(rowScores);
        }
    }

    public void Write(string path)
    {
        using var w = new TableWriter(path, Magic, Version);
        w.WriteInt(Count);
        w.WriteInt(Dimension);
        w.WriteInt(Partitions);
        w.WriteInt(Probes);
        w.WriteFloats(Centroids);
        w.WriteInts(Offsets);
        w.WriteInts(Items);
        w.WriteFloats(Vectors);
    }

    /// <summary>Checks the header and every field, then serves the index from a memory map of the file.</summary>
    public static EmbeddingIndex Read(string path, int expectedCount, int expectedDimension)
    {
        using var r = new TableReader(path, Magic, Version);
        var count = r.ReadInt("item count", expectedCount, expectedCount);
        var dimension = r.ReadInt("dimension", expectedDimension, expectedDimension);
        var partitions = r.ReadInt("partitions", 1, Math.Max(1, count));
        var probes = r.ReadInt("probes", 1, partitions);
        if ((long)count * dimension > int.MaxValue)
        {
            throw r.Error($"{count} × {dimension} values are more than one table can hold ({int.MaxValue})");
        }

        r.RequireRest(
            (((long)partitions * dimension) + partitions + 1 + count + ((long)count * dimension)) * 4,
            "centroids, offsets, items and vectors"
        );
        var index = new EmbeddingIndex(count, dimension, partitions, probes, new MappedFile(path), r.Position);
        var problem = Check(
            count,
            dimension,
            partitions,
            probes,
            index.Centroids,
            index.Offsets,
            index.Items,
            index.Vectors
        );
        return problem is null ? index : throw r.Error(problem);
    }

    private static string? Check(
        int count,
        int dimension,
        int partitions,
        int probes,
        ReadOnlySpan<float> centroids,
        ReadOnlySpan<int> offsets,
        ReadOnlySpan<int> items,
        ReadOnlySpan<float> vectors
    )
    {
        if (
            partitions < 1
            || probes < 1
            || probes > partitions
            || centroids.Length != partitions * dimension
            || items.Length != count
            || vectors.Length != (long)count * dimension
        )
        {
            return $"inconsistent sizes: {count} items, {dimension} dimensions, {partitions} partitions, "
                + $"{probes} probes";
        }

        if (offsets[0] != 0 || offsets[partitions] != count)
        {
            return $"partition offsets run from {offsets[0]} to {offsets[partitions]}; they must run from 0 to "
                + $"the item count {count}";
        }

        for (var p = 0; p < partitions; p++)
        {
            if (offsets[p + 1] < offsets[p])
            {
                return $"partition {p} ends at row {offsets[p + 1]} before it starts at row {offsets[p]}";
            }
        }

        var seen = new bool[count];
        for (var j = 0; j < count; j++)
        {
            var item = items[j];
            if (item < 0 || item >= count || seen[item])
            {
                return $"row {j} holds item {item}: every item must appear exactly once";
            }

            seen[item] = true;
        }

        if (!TensorPrimitives.IsFiniteAll(centroids))
        {
            return "a centroid value is not a finite number";
        }

        return TensorPrimitives.IsFiniteAll(vectors) ? null : "a vector value is not a finite number";
    }
}
