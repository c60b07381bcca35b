namespace RecServices.Core.Bundles;

/// <summary>
/// The precomputed item-item table: for each item its K most similar items by cosine similarity of V_m,
/// best first, read through a memory map (<see cref="MappedFile"/>) or held in arrays when built in process. File
/// <c>similar_items.bin</c>, little-endian:
/// <code>
/// header   8 bytes "RSSIMILR", int32 version = 1
/// int32 N (must equal the catalog's), int32 K (1..1000)
/// N × K int32   neighbour item index, -1 after the last neighbour; never the item itself
/// N × K float32 cosine similarity in [-1.001, 1.001] (0 for -1 entries)
/// </code>
/// </summary>
public sealed class SimilarItems
{
    public const string FileName = "similar_items.bin";
    private const string Magic = "RSSIMILR";
    private const int Version = 1;

    private readonly int[]? _neighbours;
    private readonly float[]? _scores;
    private readonly MappedFile? _mapped;
    private readonly long _offset;

    public SimilarItems(int count, int k, int[] neighbours, float[] scores)
    {
        if (neighbours.Length != (long)count * k || scores.Length != neighbours.Length)
        {
            throw new ArgumentException($"expected {count} × {k} neighbours and scores");
        }

        Count = count;
        K = k;
        _neighbours = neighbours;
        _scores = scores;
    }

    private SimilarItems(int count, int k, MappedFile mapped, long offset)
    {
        Count = count;
        K = k;
        _mapped = mapped;
        _offset = offset;
    }

    public int Count { get; }

    public int K { get; }

    /// <summary>Every item's neighbours, [Count × K], -1 after the last.</summary>
    public ReadOnlySpan<int> Neighbours => _neighbours ?? _mapped!.Span<int>(_offset, Count * K);

    /// <summary>Every item's similarities, [Count × K].</summary>
    public ReadOnlySpan<float> Scores =>
        _scores ?? _mapped!.Span<float>(_offset + ((long)Count * K * sizeof(int)), Count * K);

    /// <summary>The neighbours of <paramref name="item"/>, best first, padding (-1) excluded.</summary>
    public ReadOnlySpan<int> Of(int item)
    {
        var row = Neighbours.Slice(item * K, K);
        var end = row.IndexOf(-1);
        return end < 0 ? row : row[..end];
    }

    public ReadOnlySpan<float> ScoresOf(int item) => Scores.Slice(item * K, Of(item).Length);

    public void Write(string path)
    {
        using var w = new TableWriter(path, Magic, Version);
        w.WriteInt(Count);
        w.WriteInt(K);
        w.WriteInts(Neighbours);
        w.WriteFloats(Scores);
    }

    public static SimilarItems Read(string path, int expectedCount)
    {
        using var r = new TableReader(path, Magic, Version);
        var count = r.ReadInt("item count", expectedCount, expectedCount);
        var k = r.ReadInt("K", 1, 1000);
        if ((long)count * k > int.MaxValue)
        {
            throw r.Error($"{count} × {k} neighbours are more than one table can hold ({int.MaxValue})");
        }

        r.RequireRest((long)count * k * (sizeof(int) + sizeof(float)), "neighbours and similarities");
        var table = new SimilarItems(count, k, new MappedFile(path), r.Position);
        var neighbours = table.Neighbours;
        var scores = table.Scores;
        for (var i = 0; i < scores.Length; i++)
        {
            if (!float.IsFinite(scores[i]))
            {
                throw r.Error($"similarity[{i}] is not a finite number");
            }
        }

        for (var i = 0; i < count; i++)
        {
            var padded = false;
            for (var j = 0; j < k; j++)
            {
                var n = neighbours[(i * k) + j];
                if (n == -1)
                {
                    padded = true;
                    continue;
                }

                if (padded || n < 0 || n >= count || n == i)
                {
                    throw r.Error($"item {i} neighbour {j} = {n} is not a valid other item (or follows padding)");
                }

                if (Math.Abs(scores[(i * k) + j]) > 1.001f)
                {
                    throw r.Error($"item {i} similarity {j} = {scores[(i * k) + j]} is not a cosine");
                }
            }
        }

        return table;
    }
}
