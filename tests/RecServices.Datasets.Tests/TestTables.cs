using System.Globalization;
using System.IO.Compression;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace RecServices.Datasets.Tests;

/// <summary>
/// Writes a table of a test dataset in either format from its columns: strings, integers (long), numbers (double),
/// timestamps (DateTime) and lists (string[]; in CSV joined with '|'); null is a missing value.
/// </summary>
public static class TestTables
{
    public const string Parquet = "parquet";
    public const string Csv = "csv";

    public static async Task<string> WriteAsync(
        string folder,
        string table,
        string format,
        params (string Name, object?[] Values)[] columns
    )
    {
        var path = Path.Combine(folder, table + (format == Parquet ? ".parquet" : ".csv"));
        if (format == Parquet)
        {
            await WriteParquetAsync(path, columns);
        }
        else
        {
            File.WriteAllText(path, CsvText(columns), new UTF8Encoding(false));
        }

        return path;
    }

    /// <summary>A CSV file's text: a header, then the rows, quoted where needed.</summary>
    public static string CsvText(params (string Name, object?[] Values)[] columns)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Join(",", columns.Select(c => c.Name)));
        var rows = columns.Length == 0 ? 0 : columns[0].Values.Length;
        for (var r = 0; r < rows; r++)
        {
            text.AppendLine(string.Join(",", columns.Select(c => Field(c.Values[r]))));
        }

        return text.ToString();
    }

    public static void Gzip(string path, string text)
    {
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(Encoding.UTF8.GetBytes(text));
    }

    private static string Field(object? value)
    {
        var text = value switch
        {
            null => string.Empty,
            string[] list => string.Join("|", list),
            DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
        return text.IndexOfAny([',', '"', '\n']) >= 0
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
    }

    /// <summary>A Parquet table in row groups of <paramref name="rowsPerGroup"/> rows.</summary>
    public static async Task<string> WriteGroupsAsync(
        string folder,
        string table,
        int rowsPerGroup,
        params (string Name, object?[] Values)[] columns
    )
    {
        var path = Path.Combine(folder, table + ".parquet");
        var fields = columns.Select(c => FieldOf(c.Name, c.Values)).ToList();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        for (var start = 0; start < columns[0].Values.Length; start += rowsPerGroup)
        {
            var part = columns.Select(c => (c.Name, c.Values.Skip(start).Take(rowsPerGroup).ToArray())).ToArray();
            await WriteGroupAsync(writer, fields, part);
        }

        return path;
    }

    private static async Task WriteParquetAsync(string path, (string Name, object?[] Values)[] columns)
    {
        var fields = columns.Select(c => FieldOf(c.Name, c.Values)).ToList();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        await WriteGroupAsync(writer, fields, columns);
    }

    private static async Task WriteGroupAsync(
        ParquetWriter writer,
        List<Field> fields,
        (string Name, object?[] Values)[] columns
    )
    {
        using var group = writer.CreateRowGroup();
        for (var i = 0; i < columns.Length; i++)
        {
            var values = columns[i].Values;
            switch (fields[i])
            {
                case ListField list:
                    var elements = values
                        .SelectMany(v => v is string[] { Length: > 0 } l ? l.Select(e => (string?)e) : [null])
                        .ToArray();
                    var levels = values
                        .SelectMany(v => v is string[] { Length: > 0 } l ? l.Select((_, k) => k == 0 ? 0 : 1) : [0])
                        .ToArray();
                    await group.WriteAsync((DataField)list.Item, elements, levels);
                    break;
                case DataField<string> text:
                    await group.WriteAsync(text, values.Select(v => (string?)v).ToArray());
                    break;
                case DataField<long?> whole:
                    await group.WriteAsync<long>(
                        whole,
                        values
                            .Select(v => v is null ? (long?)null : Convert.ToInt64(v, CultureInfo.InvariantCulture))
                            .ToArray()
                    );
                    break;
                case DataField<double?> number:
                    await group.WriteAsync<double>(
                        number,
                        values
                            .Select(v => v is null ? (double?)null : Convert.ToDouble(v, CultureInfo.InvariantCulture))
                            .ToArray()
                    );
                    break;
                case DataField<DateTime?> time:
                    await group.WriteAsync<DateTime>(time, values.Select(v => (DateTime?)v).ToArray());
                    break;
            }
        }
    }

    private static Field FieldOf(string name, object?[] values) =>
        values.FirstOrDefault(v => v is not null) switch
        {
            string[] => new ListField(name, new DataField<string>("element")),
            long or int => new DataField<long?>(name),
            double or float => new DataField<double?>(name),
            DateTime => new DataField<DateTime?>(name),
            _ => new DataField<string>(name),
        };
}
