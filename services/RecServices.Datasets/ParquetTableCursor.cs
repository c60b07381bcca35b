using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace RecServices.Datasets;

/// <summary>
/// A Parquet file read a row group at a time (Parquet.Net): each selected column's values and levels are read into
/// reused buffers, strings as character memory, so a row costs no allocation.
/// </summary>
internal sealed class ParquetTableCursor : TableCursor
{
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly (string Name, ColumnType Type)[] _schema;
    private int[] _selected;
    private ParquetColumn?[] _current = [];
    private ParquetColumn?[] _next = [];
    private Task<long>? _pending;
    private int _loaded = -1;
    private int _group = -1;
    private long _rows;
    private long _row = -1;

    private ParquetTableCursor(string file, ParquetReader reader)
        : base(file)
    {
        _reader = reader;
        _fields = reader.Schema.GetDataFields();
        var probes = _fields.Select(ParquetColumn.For).ToArray();
        _schema = _fields
            .Select((f, i) => (TopName(f.Path.ToString()), probes[i]?.Type ?? ColumnType.Unsupported))
            .ToArray();
        RowCount = Enumerable.Range(0, reader.RowGroupCount).Sum(g => reader.RowGroups[g].RowCount);
        _selected = [.. Enumerable.Range(0, _fields.Length).Where(i => probes[i] is not null)];
    }

    public override IReadOnlyList<(string Name, ColumnType Type)> Columns => _schema;

    public override long? RowCount { get; }

    public override string Location => string.Create(CultureInfo.InvariantCulture, $"row group {_group}, row {_row}");

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

    public override int Resolved(int column) => Column(column).Resolved;

    public override void Select(IEnumerable<int> columns)
    {
        _selected = [.. columns];
        foreach (var index in _selected)
        {
            if (_schema[index].Type == ColumnType.Unsupported)
            {
                throw FileError(
                    $"column '{_schema[index].Name}' has type {_fields[index].ClrType.Name}, which this reader does "
                        + "not read: write it as a string, an integer, a float, a boolean, a timestamp or (categories) a "
                        + "list of strings"
                );
            }
        }
    }

    /// <summary>
    /// The next row group: the one read ahead while the last was being used (decoding on one core while the rows are
    /// taken apart on the other), and the read of the one after it begins.
    /// </summary>
    public override async ValueTask<bool> NextBatchAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_pending is null)
            {
                if (_loaded + 1 >= _reader.RowGroupCount)
                {
                    return false;
                }

                _next = Buffers(_next);
                _pending = LoadAsync(_next, _loaded + 1, cancellationToken);
            }

            _rows = await _pending;
            _group = ++_loaded;
            _row = -1;
            (_current, _next) = (_next, _current);
            _pending = null;
            if (_loaded + 1 < _reader.RowGroupCount)
            {
                _next = Buffers(_next);
                var group = _loaded + 1;
                var next = _next;
                _pending = Task.Run(() => LoadAsync(next, group, cancellationToken), cancellationToken);
            }

            if (_rows > 0)
            {
                return true;
            }
        }
    }

    public override bool Read()
    {
        if (++_row >= _rows)
        {
            return false;
        }

        foreach (var index in _selected)
        {
            _current[index]!.Next();
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

    public override async ValueTask DisposeAsync()
    {
        if (_pending is not null)
        {
            try
            {
                await _pending;
            }
            catch (Core.Data.DatasetFormatException)
            {
                // The read ahead failed; the caller stopped before it needed that row group.
            }
            catch (OperationCanceledException) { }
        }

        await _reader.DisposeAsync();
    }

    /// <summary>A set of column buffers for the selected columns (reused once made).</summary>
    private ParquetColumn?[] Buffers(ParquetColumn?[] set)
    {
        if (set.Length == _fields.Length && _selected.All(i => set[i] is not null))
        {
            return set;
        }

        var columns = new ParquetColumn?[_fields.Length];
        foreach (var index in _selected)
        {
            columns[index] = ParquetColumn.For(_fields[index]);
            columns[index]!.Lookup = Lookups.GetValueOrDefault(index);
        }

        return columns;
    }

    /// <summary>Reads the selected columns of one row group into <paramref name="set"/>; returns its rows.</summary>
    private async Task<long> LoadAsync(ParquetColumn?[] set, int index, CancellationToken cancellationToken)
    {
        var group = _reader.OpenRowGroupReader(index);
        try
        {
            foreach (var column in _selected)
            {
                await set[column]!.LoadAsync(group, cancellationToken);
            }
        }
        catch (Exception e) when (e is ParquetException or IOException or InvalidDataException or ArgumentException)
        {
            throw new Core.Data.DatasetFormatException(
                File,
                string.Create(CultureInfo.InvariantCulture, $"row group {index}"),
                0,
                $"the row group cannot be read: {e.Message}"
            );
        }

        return group.RowCount;
    }

    private ParquetColumn Column(int index) =>
        _current[index] ?? throw FileError($"column '{_schema[index].Name}' was not selected or has an unread type");

    /// <summary>A list's data field sits at "categories/list/element": the column is its top-level name.</summary>
    private static string TopName(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? path : path[..slash];
    }
}
