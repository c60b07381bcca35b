namespace RecServices.Core.Bundles;

/// <summary>
/// V_m for every item, one flat row-major array: read through a memory map (<see cref="MappedFile"/>), or held in an
/// array when built in process. File <c>item_vectors.bin</c>, little-endian:
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

    private readonly float[]? _array;
    private readonly MappedFile? _mapped;
    private readonly long _offset;

    public ItemVectors(int count, int dimension, float[] values)
    {
        if (values.Length != (long)count * dimension)
        {
            throw new ArgumentException($"expected {count} × {dimension} values, got {values.Length}");
        }

        Count = count;
        Dimension = dimension;
        _array = values;
    }

    private ItemVectors(int count, int dimension, MappedFile mapped, long offset)
    {
        Count = count;
        Dimension = dimension;
        _mapped = mapped;
        _offset = offset;
    }

    public int Count { get; }

    public int Dimension { get; }

    /// <summary>Every V_m, row-major ([Count × Dimension]).</summary>
    public ReadOnlySpan<float> Values => _array ?? _mapped!.Span<float>(_offset, Count * Dimension);

    public ReadOnlySpan<float> Row(int item) => Values.Slice(item * Dimension, Dimension);

    public void Write(string path)
    {
        using var w = new TableWriter(path, Magic, Version);
        w.WriteInt(Count);
        w.WriteInt(Dimension);
        w.WriteFloats(Values);
    }

    /// <summary>Checks the header and every value, then serves the values from a memory map of the file.</summary>
    public static ItemVectors Read(string path, int expectedCount, int expectedDimension)
    {
        using var r = new TableReader(path, Magic, Version);
        var count = r.ReadInt("item count", expectedCount, expectedCount);
        var dimension = r.ReadInt("dimension", expectedDimension, expectedDimension);
        var values = (long)count * dimension;
        if (values > int.MaxValue)
        {
            throw r.Error($"{count} × {dimension} values are more than one table can hold ({int.MaxValue})");
        }

        r.RequireRest(values * sizeof(float), "vector values");
        var vectors = new ItemVectors(count, dimension, new MappedFile(path), r.Position);
        var all = vectors.Values;
        for (var i = 0; i < all.Length; i++)
        {
            if (!float.IsFinite(all[i]))
            {
                throw r.Error($"vector value[{i}] is not a finite number");
            }
        }

        return vectors;
    }
}
