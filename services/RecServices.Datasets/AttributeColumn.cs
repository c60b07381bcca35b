using System.Globalization;
using RecServices.Core.Data;

namespace RecServices.Datasets;

/// <summary>
/// An items-table column beyond id, title, categories and year, collected while the table is read and typed at its
/// end: numeric when the file declares numbers (or booleans, or timestamps: unix seconds), or when every value of a
/// text column parses as a number (or as true/false: 1/0); otherwise categorical.
/// </summary>
internal sealed class AttributeColumn(string name, int column, ColumnType type)
{
    private readonly List<double> _numbers = [];
    private readonly List<string?> _texts = [];

    public string Name { get; } = name;

    public int Column { get; } = column;

    /// <summary>The same column, collected so far, at another position (a later part file's layout).</summary>
    public AttributeColumn At(int position)
    {
        var moved = new AttributeColumn(Name, position, type);
        moved._numbers.AddRange(_numbers);
        moved._texts.AddRange(_texts);
        return moved;
    }

    /// <summary>Reads the current row's value.</summary>
    public void Add(TableCursor cursor)
    {
        if (cursor.IsNull(Column))
        {
            _numbers.Add(double.NaN);
            _texts.Add(null);
            return;
        }

        if (type is ColumnType.Text)
        {
            var text = cursor.Text(Column).Trim();
            _texts.Add(text.ToString());
            _numbers.Add(
                double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                && double.IsFinite(parsed)
                    ? parsed
                : bool.TryParse(text, out var flag) ? (flag ? 1 : 0)
                : double.PositiveInfinity
            );
            return;
        }

        if (type is ColumnType.Timestamp)
        {
            cursor.TryTimestamp(Column, out var seconds);
            _numbers.Add(seconds);
        }
        else
        {
            cursor.TryNumber(Column, out var number);
            if (!double.IsFinite(number))
            {
                throw cursor.Error(Column, $"expected a finite number, found {cursor.Quoted(Column)}");
            }

            _numbers.Add(number);
        }

        _texts.Add(null);
    }

    /// <summary>The column over <paramref name="itemCount"/> items (items past the table's rows have no value).</summary>
    public ItemAttribute Build(int itemCount)
    {
        var numeric = !_numbers.Contains(double.PositiveInfinity);
        if (numeric)
        {
            var numbers = new float[itemCount];
            Array.Fill(numbers, float.NaN);
            for (var i = 0; i < _numbers.Count; i++)
            {
                numbers[i] = (float)_numbers[i];
            }

            return ItemAttribute.Numeric(Name, numbers);
        }

        var codes = new int[itemCount];
        Array.Fill(codes, -1);
        var values = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _texts.Count; i++)
        {
            if (_texts[i] is { } text)
            {
                if (!index.TryGetValue(text, out var code))
                {
                    index[text] = code = values.Count;
                    values.Add(text);
                }

                codes[i] = code;
            }
        }

        return ItemAttribute.Categorical(Name, codes, [.. values]);
    }
}
