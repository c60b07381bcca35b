namespace RecServices.Core.Bundles;

/// <summary>
/// V_m for every item, one flat row-major array. File <c>item_vectors.bin</c>, little-endian:
/// <code>
/// header   8 bytes "RSVECTOR", int32 version = 1
/// int32 N (item count, must equal the catalog's), int32 D (1..4096, must equal the manifest's)
/// N × D float32, row i = V_m of item i, every value finite
/// </code>
/// </summary>
public sealed class ItemVectors
{
    public const string FileName = "item_vectors.bin";
    private const string Magic = "RSVECTOR";
    private const int Version = 1;

    public ItemVectors(int count, int dimension, float[] values)
    {
        if (values.Length != (long)count * dimension)
        {
            throw new ArgumentException($"expected {count} × {dimension} values, got {values.Length}");
        }

        Count = count;
        Dimension = dimension;
        Values = values;
    }

    public int Count { get; }

    public int Dimension { get; }

    public float[] Values { get; }

    public ReadOnlySpan<float> Row(int item) => Values.AsSpan(item * Dimension, Dimension);

    public void Write(string path)
    {
        using var w = new TableWriter(path, Magic, Version);
        w.WriteInt(Count);
        w.WriteInt(Dimension);
        w.WriteFloats(Values);
    }

    public static ItemVectors Read(string path, int expectedCount, int expectedDimension)
    {
        using var r = new TableReader(path, Magic, Version);
        var count = r.ReadInt("item count", expectedCount, expectedCount);
        var dimension = r.ReadInt("dimension", expectedDimension, expectedDimension);
        var values = new float[(long)count * dimension];
        r.ReadFloats(values, "vector value");
        r.End();
        return new ItemVectors(count, dimension, values);
    }
}
