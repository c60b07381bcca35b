using System.Globalization;
using System.Text;

namespace RecServices.Core.Data;

/// <summary>
/// Reads a text file line by line, counting lines, and turns parse problems into
/// <see cref="DatasetFormatException"/>s that name the file and the line.
/// </summary>
internal sealed class LineReader : IDisposable
{
    private readonly StreamReader _reader;

    public LineReader(string path, Encoding encoding)
    {
        Path = path;
        _reader = new StreamReader(
            path,
            encoding,
            detectEncodingFromByteOrderMarks: false,
            new FileStreamOptions { BufferSize = 1 << 16 }
        );
    }

    public string Path { get; }

    /// <summary>1-based number of the line last read.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Reads the next line; false at the end of the file. Empty lines are returned too.</summary>
    public bool TryRead(out string line)
    {
        var next = _reader.ReadLine();
        if (next is null)
        {
            line = string.Empty;
            return false;
        }

        LineNumber++;
        line = next;
        return true;
    }

    /// <summary>An exception for the current line.</summary>
    public DatasetFormatException Error(string problem) => new(Path, LineNumber, problem);

    /// <summary>
    /// Splits on <paramref name="separator"/> and requires exactly <paramref name="expected"/> fields.
    /// </summary>
    public string[] Split(string line, string separator, int expected)
    {
        var fields = line.Split(separator);
        if (fields.Length != expected)
        {
            throw Error(
                $"expected {expected} fields separated by '{separator}', found {fields.Length} (truncated "
                    + $"or malformed line)"
            );
        }

        return fields;
    }

    /// <summary>Parses a required integer field.</summary>
    public long ParseLong(ReadOnlySpan<char> field, string name)
    {
        if (!long.TryParse(field.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw Error($"field '{name}' is not an integer: '{field.ToString()}'");
        }

        return value;
    }

    /// <summary>Parses a required integer field that fits an int.</summary>
    public int ParseInt(ReadOnlySpan<char> field, string name)
    {
        var value = ParseLong(field, name);
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw Error($"field '{name}' is out of range: '{field.ToString()}'");
        }

        return (int)value;
    }

    /// <summary>Parses a rating and checks it lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public float ParseRating(ReadOnlySpan<char> field, float min, float max)
    {
        if (
            !float.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !float.IsFinite(value)
        )
        {
            throw Error($"field 'rating' is not a number: '{field.ToString()}'");
        }

        if (value < min || value > max)
        {
            throw Error(
                $"rating {value.ToString(CultureInfo.InvariantCulture)} is outside "
                    + $"[{min.ToString(CultureInfo.InvariantCulture)}, "
                    + $"{max.ToString(CultureInfo.InvariantCulture)}]"
            );
        }

        return value;
    }

    /// <summary>
    /// Reads a whole small file as UTF-8 when it is valid UTF-8, else as Latin-1 (MovieLens 100K/1M).
    /// </summary>
    public static Encoding DetectEncoding(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return new UTF8Encoding(false);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1;
        }
    }

    public void Dispose() => _reader.Dispose();
}
