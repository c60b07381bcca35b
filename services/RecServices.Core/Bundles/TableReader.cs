using System.Runtime.InteropServices;
using System.Text;

namespace RecServices.Core.Bundles;

/// <summary>
/// Reads a bundle's binary table with checks on every field; all problems become
/// <see cref="BundleFormatException"/>s naming the file. Every table starts with the same header:
/// 8 ASCII bytes of magic, then a little-endian int32 format version.
/// </summary>
internal sealed class TableReader : IDisposable
{
    private readonly BinaryReader _reader;
    private readonly Stream _stream;

    public TableReader(string path, string magic, int version)
    {
        FileName = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new BundleFormatException(FileName, "missing from the bundle");
        }

        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        _reader = new BinaryReader(_stream, new UTF8Encoding(false, throwOnInvalidBytes: true));
        var found = Encoding.ASCII.GetString(Bytes(8));
        if (found != magic)
        {
            throw Error($"not a '{magic.TrimEnd('\0')}' table (magic '{found.TrimEnd('\0')}')");
        }

        var foundVersion = _reader.ReadInt32();
        if (foundVersion != version)
        {
            throw Error(
                $"format version {foundVersion} is not supported (this build reads version {version}); "
                    + $"rebuild the bundle with 'recs train'"
            );
        }
    }

    public string FileName { get; }

    public BundleFormatException Error(string problem) => new(FileName, problem);

    /// <summary>An int32 in [min, max].</summary>
    public int ReadInt(string field, int min, int max)
    {
        int value;
        try
        {
            value = _reader.ReadInt32();
        }
        catch (EndOfStreamException)
        {
            throw Error("the file ends early (truncated)");
        }

        if (value < min || value > max)
        {
            throw Error($"{field} = {value} is outside [{min}, {max}]");
        }

        return value;
    }

    public long ReadLong(string field, long min = long.MinValue, long max = long.MaxValue)
    {
        var value = Guard(_reader.ReadInt64);
        if (value < min || value > max)
        {
            throw Error($"{field} = {value} is outside [{min}, {max}]");
        }

        return value;
    }

    public byte ReadByte() => Guard(_reader.ReadByte);

    /// <summary>A finite float32.</summary>
    public float ReadFloat(string field)
    {
        var value = Guard(_reader.ReadSingle);
        if (!float.IsFinite(value))
        {
            throw Error($"{field} is not a finite number");
        }

        return value;
    }

    /// <summary>A length-prefixed UTF-8 string of at most <paramref name="maxLength"/> chars.</summary>
    public string ReadString(string field, int maxLength = 4096)
    {
        try
        {
            var value = _reader.ReadString();
            if (value.Length > maxLength)
            {
                throw Error($"{field} is longer than {maxLength} characters");
            }

            return value;
        }
        catch (Exception e)
            when (e is EndOfStreamException or IOException or DecoderFallbackException or FormatException)
        {
            throw Error($"{field}: {Describe(e)}");
        }
    }

    /// <summary>Fills <paramref name="values"/> with raw little-endian float32s and checks they are finite.</summary>
    public void ReadFloats(Span<float> values, string field)
    {
        Fill(MemoryMarshal.AsBytes(values));
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw Error($"{field}[{i}] is not a finite number");
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="values"/> with raw little-endian int32s (range checks are the caller's).
    /// </summary>
    public void ReadInts(Span<int> values) => Fill(MemoryMarshal.AsBytes(values));

    /// <summary>The byte offset of the next field.</summary>
    public long Position => _stream.Position;

    /// <summary>
    /// Requires exactly <paramref name="bytes"/> more bytes to the end of the file (a table whose rest is read
    /// through a memory map instead): fewer is a truncated file, more a mismatched or corrupted one.
    /// </summary>
    public void RequireRest(long bytes, string field)
    {
        var rest = _stream.Length - _stream.Position;
        if (rest < bytes)
        {
            throw Error($"{field}: the file ends early (truncated): {rest} bytes left, {bytes} expected");
        }

        if (rest > bytes)
        {
            throw Error($"{rest - bytes} unexpected bytes after the end of the table");
        }
    }

    /// <summary>Requires the file to end here: trailing bytes mean a mismatched or corrupted table.</summary>
    public void End()
    {
        if (_stream.Position != _stream.Length)
        {
            throw Error($"{_stream.Length - _stream.Position} unexpected bytes after the end of the table");
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }

    private byte[] Bytes(int count) =>
        Guard(() =>
        {
            var buffer = new byte[count];
            _stream.ReadExactly(buffer);
            return buffer;
        });

    private void Fill(Span<byte> bytes)
    {
        try
        {
            _stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException)
        {
            throw Error("the file ends early (truncated)");
        }
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EndOfStreamException)
        {
            throw Error("the file ends early (truncated)");
        }
    }

    private static string Describe(Exception e) =>
        e is EndOfStreamException ? "the file ends early (truncated)" : e.Message;
}
