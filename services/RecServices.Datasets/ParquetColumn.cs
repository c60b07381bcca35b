using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace RecServices.Datasets;

/// <summary>
/// One Parquet column of the row group being read: its packed values and definition (and, for a list, repetition)
/// levels, with a position that follows the cursor's rows.
/// </summary>
internal abstract class ParquetColumn
{
    private int[] _definitions = [];
    private int[] _repetitions = [];
    private int _entries;
    private int _nextEntry;
    private int _nextValue;

    protected ParquetColumn(DataField field, ColumnType type)
    {
        Field = field;
        Type = type;
    }

    public DataField Field { get; }

    public ColumnType Type { get; }

    /// <summary>The current row's first value in the packed values.</summary>
    protected int Value { get; private set; }

    /// <summary>How many values the current row has (0 or 1; any number for a list).</summary>
    public int Count { get; private set; }

    /// <summary>Turns this column's text into indices as each row group is read (see <see cref="Resolved"/>).</summary>
    public Func<ReadOnlySpan<char>, int>? Lookup { get; set; }

    private int[] _resolved = [];
    private int _row = -1;

    /// <summary>The current row's value through <see cref="Lookup"/>; -2 when the row has none.</summary>
    public int Resolved => _resolved[_row];

    /// <summary>
    /// Reads the column of a row group, resolves its values through <see cref="Lookup"/> when there is one (on the
    /// reading task, so that the look-ups run beside the rows before), and moves before its first row.
    /// </summary>
    public async ValueTask LoadAsync(ParquetRowGroupReader group, CancellationToken cancellationToken)
    {
        var entries = (int)(group.GetMetadata(Field)?.MetaData?.NumValues ?? group.RowCount);
        _entries = entries;
        if (Field.MaxDefinitionLevel > 0 && _definitions.Length < entries)
        {
            _definitions = new int[entries];
        }

        if (Field.MaxRepetitionLevel > 0 && _repetitions.Length < entries)
        {
            _repetitions = new int[entries];
        }

        await ReadValuesAsync(
            group,
            entries,
            Field.MaxDefinitionLevel > 0 ? _definitions.AsMemory(0, entries) : (Memory<int>?)null,
            Field.MaxRepetitionLevel > 0 ? _repetitions.AsMemory(0, entries) : (Memory<int>?)null,
            cancellationToken
        );
        Rewind();
        if (Lookup is { } lookup)
        {
            var rows = (int)group.RowCount;
            if (_resolved.Length < rows)
            {
                _resolved = new int[rows];
            }

            for (var row = 0; row < rows; row++)
            {
                Next();
                _resolved[row] = Count == 0 ? -2 : lookup(Text().Trim());
            }

            Rewind();
        }
    }

    private void Rewind() => (_nextEntry, _nextValue, Value, Count, _row) = (0, 0, 0, 0, -1);

    /// <summary>Moves to the next row's entries.</summary>
    public void Next()
    {
        var entry = _nextEntry;
        Value = _nextValue;
        var count = 0;
        var maxDefinition = Field.MaxDefinitionLevel;
        do
        {
            if (maxDefinition == 0 || _definitions[entry] == maxDefinition)
            {
                count++;
            }

            entry++;
        } while (Field.MaxRepetitionLevel > 0 && entry < _entries && _repetitions[entry] > 0);

        (_nextEntry, _nextValue, Count) = (entry, Value + count, count);
        _row++;
    }

    protected abstract ValueTask ReadValuesAsync(
        ParquetRowGroupReader group,
        int entries,
        Memory<int>? definitions,
        Memory<int>? repetitions,
        CancellationToken cancellationToken
    );

    /// <summary>The current row's value (the first, for a list) as text.</summary>
    public abstract ReadOnlySpan<char> Text(int index = 0);

    /// <summary>The current row's value as a number; false for text that does not parse.</summary>
    public abstract bool TryNumber(out double value);

    /// <summary>A column reader for a field of a supported type, or null.</summary>
    public static ParquetColumn? For(DataField field)
    {
        var list = field.MaxRepetitionLevel > 0;
        var type = field.ClrType;
        if (list)
        {
            return type == typeof(ReadOnlyMemory<char>) || type == typeof(string)
                ? new TextColumn(field, ColumnType.List)
                : null;
        }

        return type switch
        {
            _ when type == typeof(ReadOnlyMemory<char>) || type == typeof(string) => new TextColumn(
                field,
                ColumnType.Text
            ),
            _ when type == typeof(long) => new NumberColumn<long>(field, ColumnType.Whole, v => v),
            _ when type == typeof(int) => new NumberColumn<int>(field, ColumnType.Whole, v => v),
            _ when type == typeof(short) => new NumberColumn<short>(field, ColumnType.Whole, v => v),
            _ when type == typeof(sbyte) => new NumberColumn<sbyte>(field, ColumnType.Whole, v => v),
            _ when type == typeof(byte) => new NumberColumn<byte>(field, ColumnType.Whole, v => v),
            _ when type == typeof(double) => new NumberColumn<double>(field, ColumnType.Fractional, v => v),
            _ when type == typeof(float) => new NumberColumn<float>(field, ColumnType.Fractional, v => v),
            _ when type == typeof(decimal) => new NumberColumn<decimal>(field, ColumnType.Fractional, v => (double)v),
            _ when type == typeof(bool) => new NumberColumn<bool>(field, ColumnType.Boolean, v => v ? 1 : 0),
            _ when type == typeof(DateTime) => new NumberColumn<DateTime>(
                field,
                ColumnType.Timestamp,
                v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)).ToUnixTimeSeconds()
            ),
            _ when type == typeof(DateTimeOffset) => new NumberColumn<DateTimeOffset>(
                field,
                ColumnType.Timestamp,
                v => v.ToUnixTimeSeconds()
            ),
            _ => null,
        };
    }

    /// <summary>A column whose values are read as <typeparamref name="T"/> into one reused buffer.</summary>
    private abstract class Typed<T>(DataField field, ColumnType type) : ParquetColumn(field, type)
        where T : struct
    {
        private T[] _values = [];

        /// <summary>The current row's value (the <paramref name="index"/>-th, for a list).</summary>
        protected T At(int index) => _values[Value + index];

        protected sealed override async ValueTask ReadValuesAsync(
            ParquetRowGroupReader group,
            int entries,
            Memory<int>? definitions,
            Memory<int>? repetitions,
            CancellationToken cancellationToken
        )
        {
            if (_values.Length < entries)
            {
                _values = new T[entries];
            }

            await group.ReadRawAsync(Field, _values.AsMemory(0, entries), definitions, repetitions, cancellationToken);
        }
    }

    /// <summary>A string column (or a list of strings): values as character memory, no string per row.</summary>
    private sealed class TextColumn(DataField field, ColumnType type) : Typed<ReadOnlyMemory<char>>(field, type)
    {
        public override ReadOnlySpan<char> Text(int index = 0) => At(index).Span;

        public override bool TryNumber(out double value) =>
            double.TryParse(Text().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// A numeric, boolean or timestamp column, read as its type and seen as a double; an integer column's text is the
    /// integer's (64-bit ids past 2^53 keep every digit).
    /// </summary>
    private sealed class NumberColumn<T>(DataField field, ColumnType type, Func<T, double> toDouble)
        : Typed<T>(field, type)
        where T : struct
    {
        private readonly char[] _format = new char[40];

        public override ReadOnlySpan<char> Text(int index = 0)
        {
            var value = At(index);
            var written = 0;
            var formatted = value switch
            {
                long whole => whole.TryFormat(_format, out written, default, CultureInfo.InvariantCulture),
                int whole => whole.TryFormat(_format, out written, default, CultureInfo.InvariantCulture),
                _ => toDouble(value).TryFormat(_format, out written, "R", CultureInfo.InvariantCulture),
            };
            return formatted ? _format.AsSpan(0, written) : [];
        }

        public override bool TryNumber(out double value)
        {
            value = toDouble(At(0));
            return true;
        }
    }
}
