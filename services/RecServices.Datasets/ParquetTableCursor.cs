using System.Globalization;
using Parquet;

namespace RecServices.Datasets;

/// <summary>
/// A Parquet file read a row group at a time (Parquet.Net): each selected column's values and levels are read into
/// reused buffers, strings as character memory, so a row costs no allocation.
/// </summary>
internal sealed class ParquetTableCursor : TableCursor
{
    private readonly ParquetReader _reader;
    private readonly ParquetColumn?[] _columns;
    private readonly (string Name, ColumnType Type)[] _schema;
    private readonly List<ParquetColumn> _selected = [];
    private int _group = -1;
    private long _rows;
    private long _row = -1;

    private ParquetTableCursor(string file, ParquetReader reader)
        : base(file)
    {
        _reader = reader;
        var fields = reader.Schema.GetDataFields();
        _columns = fields.Select(ParquetColumn.For).ToArray();
        _schema = fields
            .Select((f, i) => (TopName(f.Path.ToString()), _columns[i]?.Type ?? ColumnType.Text))
            .ToArray();
        Unsupported = fields
            .Where((_, i) => _columns[i] is null)
            .Select(f => $"{TopName(f.Path.ToString())} ({f.ClrType.Name})")
            .ToList();
        RowCount = Enumerable.Range(0, reader.RowGroupCount).Sum(g => reader.RowGroups[g].RowCount);
        _selected.AddRange(_columns.OfType<ParquetColumn>());
    }

    public override IReadOnlyList<(string Name, ColumnType Type)> Columns => _schema;

    /// <summary>Columns of a type this reader does not read (named, with their type), for the check's report.</summary>
    public IReadOnlyList<string> Unsupported { get; }

    public override long? RowCount { get; }

    public override string Location =>
        string.Create(CultureInfo.InvariantCulture, $"row group {_group}, row {_row}");

    public static async Task<TableCursor> OpenParquetAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken);
            return new ParquetTableCursor(file, reader);
        }
        catch (Exception e) when (e is IOException or ParquetException or InvalidDataException or NotSupportedException)
        {
            throw new Core.Data.DatasetFormatException(file, 0, $"not a readable Parquet file: {e.Message}");
        }
    }

    public override void Select(IEnumerable<int> columns)
    {
        _selected.Clear();
        foreach (var index in columns)
        {
            var column =
                _columns[index]
                ?? throw FileError(
                    $"column '{_schema[index].Name}' has type {_reader.Schema.GetDataFields()[index].ClrType.Name}, "
                        + "which this reader does not read: write it as a string, an integer, a float, a boolean, a "
                        + "timestamp or (categories) a list of strings"
                );
            _selected.Add(column);
        }
    }

    public override async ValueTask<bool> NextBatchAsync(CancellationToken cancellationToken)
    {
        while (++_group < _reader.RowGroupCount)
        {
            var group = _reader.OpenRowGroupReader(_group);
            _rows = group.RowCount;
            _row = -1;
            try
            {
                foreach (var column in _selected)
                {
                    await column.LoadAsync(group, cancellationToken);
                }
            }
            catch (Exception e) when (e is ParquetException or IOException or InvalidDataException or ArgumentException)
            {
                throw new Core.Data.DatasetFormatException(
                    File,
                    string.Create(CultureInfo.InvariantCulture, $"row group {_group}"),
                    0,
                    $"the row group cannot be read: {e.Message}"
                );
            }

            if (_rows > 0)
            {
                return true;
            }
        }

        return false;
    }

    public override bool Read()
    {
        if (++_row >= _rows)
        {
            return false;
        }

        foreach (var column in _selected)
        {
            column.Next();
        }

        return true;
    }

    public override bool IsNull(int column) => Column(column).Count == 0;

    public override ReadOnlySpan<char> Text(int column) => Column(column).Text();

    public override bool TryNumber(int column, out double value) => Column(column).TryNumber(out value);

    public override bool TryTimestamp(int column, out long seconds)
    {
        var reader = Column(column);
        switch (reader.Type)
        {
            case ColumnType.Text:
                return TryParseTimestamp(reader.Text(), out seconds);
            case ColumnType.Whole or ColumnType.Timestamp:
                reader.TryNumber(out var value);
                seconds = reader.Type == ColumnType.Whole ? FromInteger((long)value) : (long)value;
                return true;
            default:
                seconds = 0;
                return false;
        }
    }

    public override void ReadList(int column, List<string> values)
    {
        var reader = Column(column);
        if (reader.Type == ColumnType.List)
        {
            for (var i = 0; i < reader.Count; i++)
            {
                var value = reader.Text(i).Trim();
                if (value.Length > 0)
                {
                    values.Add(value.ToString());
                }
            }

            return;
        }

        if (reader.Count > 0)
        {
            CsvTableCursor.Split(reader.Text(), values);
        }
    }

    public override ValueTask DisposeAsync() => _reader.DisposeAsync();

    private ParquetColumn Column(int index) =>
        _columns[index] ?? throw FileError($"column '{_schema[index].Name}' has a type this reader does not read");

    /// <summary>A list's data field sits at "categories/list/element": the column is its top-level name.</summary>
    private static string TopName(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? path : path[..slash];
    }
}
