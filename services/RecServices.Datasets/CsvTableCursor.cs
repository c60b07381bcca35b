using System.Globalization;
using System.IO.Compression;
using nietras.SeparatedValues;

namespace RecServices.Datasets;

/// <summary>
/// A CSV file (comma-separated, a header line, RFC 4180 quoting; <c>.csv.gz</c> decompressed as it is read) read
/// with Sep: fields are spans over its buffer, so a row costs no allocation. An empty field has no value.
/// </summary>
internal sealed class CsvTableCursor : TableCursor
{
    private readonly SepReader _reader;
    private readonly (string Name, ColumnType Type)[] _schema;
    private bool _started;
    private long _line;

    private CsvTableCursor(string file, SepReader reader)
        : base(file)
    {
        _reader = reader;
        _schema = reader.Header.ColNames.Select(n => (n.Trim(), ColumnType.Text)).ToArray();
    }

    public override IReadOnlyList<(string Name, ColumnType Type)> Columns => _schema;

    public override long? RowCount => null;

    public override string Location => string.Create(CultureInfo.InvariantCulture, $"line {_line}");

    public override long Line => _line;

    public static TableCursor Open(string file)
    {
        Stream stream = System.IO.File.OpenRead(file);
        try
        {
            if (file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                stream = new GZipStream(stream, CompressionMode.Decompress);
            }

            var reader = new Sep(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true }).From(stream);
            if (reader.Header.IsEmpty)
            {
                reader.Dispose();
                throw new Core.Data.DatasetFormatException(file, 1, "the file has no header line naming its columns");
            }

            return new CsvTableCursor(file, reader);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            stream.Dispose();
            throw new Core.Data.DatasetFormatException(file, 1, $"not a readable CSV file: {e.Message}");
        }
    }

    public override void Select(IEnumerable<int> columns) { }

    public override ValueTask<bool> NextBatchAsync(CancellationToken cancellationToken)
    {
        var first = !_started;
        _started = true;
        return ValueTask.FromResult(first);
    }

    public override bool Read()
    {
        try
        {
            if (!_reader.MoveNext())
            {
                return false;
            }
        }
        catch (InvalidDataException e)
        {
            throw new Core.Data.DatasetFormatException(File, _line + 1, $"malformed CSV: {e.Message}");
        }

        var row = _reader.Current;
        _line = row.LineNumberFrom;
        if (row.ColCount != _schema.Length)
        {
            throw Error(
                $"expected {_schema.Length} fields as in the header, found {row.ColCount} (a truncated line, or a "
                    + "comma in a value that is not quoted)"
            );
        }

        return true;
    }

    public override bool IsNull(int column) => Text(column).Trim().IsEmpty;

    public override ReadOnlySpan<char> Text(int column) => _reader.Current[column].Span;

    public override bool TryNumber(int column, out double value) =>
        double.TryParse(Text(column).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public override bool TryTimestamp(int column, out long seconds) => TryParseTimestamp(Text(column), out seconds);

    public override void ReadList(int column, List<string> values) => Split(Text(column), values);

    /// <summary>Splits a '|'-separated field into its trimmed, non-empty values.</summary>
    public static void Split(ReadOnlySpan<char> text, List<string> values)
    {
        foreach (var range in text.Split(TableFormat.ListSeparator))
        {
            var value = text[range].Trim();
            if (value.Length > 0)
            {
                values.Add(value.ToString());
            }
        }
    }

    public override ValueTask DisposeAsync()
    {
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }
}
