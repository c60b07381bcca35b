using System.Globalization;
using RecServices.Core.Data;

namespace RecServices.Datasets;

/// <summary>
/// Reads one table file row by row over its columns, whatever its format: Parquet a row group at a time
/// (<see cref="NextBatchAsync"/> loads the next one, <see cref="Read"/> moves through its rows), CSV as one stream.
/// Values are read in place (spans over the batch's buffers); nothing per row is kept. Every problem is a
/// <see cref="DatasetFormatException"/> naming the file, the row (Parquet: row group and row; CSV: line) and the
/// column.
/// </summary>
internal abstract class TableCursor : IAsyncDisposable
{
    /// <summary>An int64 at or above this is in milliseconds (10^11 seconds is in the year 5138).</summary>
    public const long MillisecondsFrom = 100_000_000_000;

    protected TableCursor(string file)
    {
        File = file;
    }

    /// <summary>The file read.</summary>
    public string File { get; }

    /// <summary>The columns: name and declared type.</summary>
    public abstract IReadOnlyList<(string Name, ColumnType Type)> Columns { get; }

    /// <summary>Rows in the file when its metadata says so (Parquet), else null.</summary>
    public abstract long? RowCount { get; }

    /// <summary>Where the current row is, for messages: "row group 2, row 17" or "line 18".</summary>
    public abstract string Location { get; }

    /// <summary>The current row's line in a text file (0 in Parquet).</summary>
    public virtual long Line => 0;

    /// <summary>Opens a Parquet or CSV (.csv, .csv.gz) file.</summary>
    public static async Task<TableCursor> OpenAsync(string file, CancellationToken cancellationToken) =>
        file.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
            ? await ParquetTableCursor.OpenParquetAsync(file, cancellationToken)
            : CsvTableCursor.Open(file);

    /// <summary>The index of a column by name (case-insensitive), or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Resolves a column's text to an index with <paramref name="lookup"/> (-1: not found), read by
    /// <see cref="Resolved"/>. Where the format allows, the look-ups run ahead of the rows on the reading task
    /// (Parquet), so <paramref name="lookup"/> must not change what it reads while the file is read; it is called
    /// from one thread at a time. Call before the first batch.
    /// </summary>
    public void Resolve(int column, Func<ReadOnlySpan<char>, int> lookup) => Lookups[column] = lookup;

    /// <summary>The current row's value in a column given to <see cref="Resolve"/>: its index, -1, or -2 for none.</summary>
    public virtual int Resolved(int column) => IsNull(column) ? -2 : Lookups[column](Text(column).Trim());

    /// <summary>The look-ups given to <see cref="Resolve"/>, by column.</summary>
    protected Dictionary<int, Func<ReadOnlySpan<char>, int>> Lookups { get; } = [];

    /// <summary>Reads only these columns (by index); the others are skipped. Call before the first batch.</summary>
    public abstract void Select(IEnumerable<int> columns);

    /// <summary>Loads the next batch of rows; false at the end of the file.</summary>
    public abstract ValueTask<bool> NextBatchAsync(CancellationToken cancellationToken);

    /// <summary>Moves to the next row of the batch; false at its end.</summary>
    public abstract bool Read();

    /// <summary>True when the current row has no value in the column (Parquet null, empty CSV field, empty list).</summary>
    public abstract bool IsNull(int column);

    /// <summary>The value as text (numbers formatted invariantly); valid until the next call on this cursor.</summary>
    public abstract ReadOnlySpan<char> Text(int column);

    /// <summary>The value as a number: a numeric column's value, or text parsed invariantly.</summary>
    public abstract bool TryNumber(int column, out double value);

    /// <summary>The value as unix seconds (see docs/data.md: timestamps).</summary>
    public abstract bool TryTimestamp(int column, out long seconds);

    /// <summary>The values of a list: a Parquet list's elements, or text split at '|'.</summary>
    public abstract void ReadList(int column, List<string> values);

    /// <summary>The value as an integer: an integer column's value, or text parsed invariantly.</summary>
    public bool TryInteger(int column, out long value)
    {
        if (Columns[column].Type is ColumnType.Text)
        {
            return long.TryParse(Text(column).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
        }

        if (TryNumber(column, out var number) && number == Math.Floor(number) && Math.Abs(number) < 9e15)
        {
            value = (long)number;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>An error at the current row and column.</summary>
    public DatasetFormatException Error(int column, string problem) =>
        new(File, $"{Location}, column '{Columns[column].Name}'", Line, problem);

    /// <summary>An error at the current row.</summary>
    public DatasetFormatException Error(string problem) => new(File, Location, Line, problem);

    /// <summary>An error about the whole file.</summary>
    public DatasetFormatException FileError(string problem) => new(File, 0, problem);

    /// <summary>The current value, quoted for a message (at most 40 characters).</summary>
    public string Quoted(int column)
    {
        if (IsNull(column))
        {
            return "nothing";
        }

        var text = Text(column);
        return "'" + (text.Length > 40 ? string.Concat(text[..40], "…") : text.ToString()) + "'";
    }

    /// <summary>
    /// Text as unix seconds: an integer (seconds, or milliseconds from <see cref="MillisecondsFrom"/>) or an ISO 8601
    /// date and time (UTC unless it carries an offset).
    /// </summary>
    public static bool TryParseTimestamp(ReadOnlySpan<char> text, out long seconds)
    {
        text = text.Trim();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            seconds = FromInteger(number);
            return true;
        }

        if (
            DateTimeOffset.TryParse(
                text,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var time
            )
        )
        {
            seconds = time.ToUnixTimeSeconds();
            return true;
        }

        seconds = 0;
        return false;
    }

    /// <summary>An integer timestamp in seconds, or in milliseconds from <see cref="MillisecondsFrom"/>.</summary>
    public static long FromInteger(long value) => Math.Abs(value) >= MillisecondsFrom ? value / 1000 : value;

    public abstract ValueTask DisposeAsync();
}
