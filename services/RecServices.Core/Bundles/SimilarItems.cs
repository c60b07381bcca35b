namespace RecServices.Core.Bundles;

/// <summary>
/// The precomputed item-item table: for each item its K most similar items by cosine similarity of V_m,
/// best first. File <c>similar_items.bin</c>, little-endian:
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

    public SimilarItems(int count, int k, int[] neighbours, float[] scores)
    {
        if (neighbours.Length != (long)count * k || scores.Length != neighbours.Length)
        {
            throw new ArgumentException($"expected {count} × {k} neighbours and scores");
        }

        Count = count;
        K = k;
        Neighbours = neighbours;
        Scores = scores;
    }

    public int Count { get; }

    public int K { get; }

    public int[] Neighbours { get; }

    public float[] Scores { get; }

    /// <summary>The neighbours of <paramref name="item"/>, best first, padding (-1) excluded.</summary>
    public ReadOnlySpan<int> Of(int item)
    {
        var row = Neighbours.AsSpan(item * K, K);
        var end = row.IndexOf(-1);
        return end < 0 ? row : row[..end];
    }

    public ReadOnlySpan<float> ScoresOf(int item) => Scores.AsSpan(item * K, Of(item).Length);

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
        var neighbours = new int[(long)count * k];
        var scores = new float[neighbours.Length];
        r.ReadInts(neighbours);
        r.ReadFloats(scores, "similarity");
        r.End();
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

        return new SimilarItems(count, k, neighbours, scores);
    }
}
