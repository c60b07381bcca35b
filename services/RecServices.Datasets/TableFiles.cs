namespace RecServices.Datasets;

/// <summary>
/// Where one table of a dataset folder is: <c>&lt;name&gt;.parquet</c>, <c>&lt;name&gt;.csv</c> or
/// <c>&lt;name&gt;.csv.gz</c>, or a folder <c>&lt;name&gt;/</c> of part files of one format, read in name order
/// (Spark's <c>_SUCCESS</c>, <c>.crc</c> and other hidden files are skipped).
/// </summary>
internal sealed record TableFiles(string Name, IReadOnlyList<string> Files, bool IsParquet)
{
    private static readonly string[] Extensions = [".parquet", ".csv", ".csv.gz"];

    /// <summary>The table's files, or null when the folder has no such table.</summary>
    public static TableFiles? Find(string folder, string name)
    {
        var single = Extensions.Select(e => Path.Combine(folder, name + e)).Where(File.Exists).ToList();
        var directory = Path.Combine(folder, name);
        var hasFolder = Directory.Exists(directory);
        if (single.Count + (hasFolder ? 1 : 0) > 1)
        {
            throw new Core.Data.DatasetFormatException(
                folder,
                0,
                $"table '{name}' is given more than once ({string.Join(", ", single.Select(Path.GetFileName))}"
                    + (hasFolder ? $", {name}/" : string.Empty)
                    + "): keep one file or one folder of part files"
            );
        }

        if (single.Count == 1)
        {
            return new TableFiles(name, single, IsParquetFile(single[0]));
        }

        return hasFolder ? Parts(directory, name) : null;
    }

    /// <summary>Whether a folder holds a table of this format (an interactions table).</summary>
    public static bool Recognizes(string folder) =>
        Extensions.Any(e => File.Exists(Path.Combine(folder, TableFormat.Interactions + e)))
        || Directory.Exists(Path.Combine(folder, TableFormat.Interactions));

    private static TableFiles Parts(string directory, string name)
    {
        var parts = Directory
            .EnumerateFiles(directory)
            .Where(f => !Path.GetFileName(f).StartsWith('_') && !Path.GetFileName(f).StartsWith('.'))
            .Where(f => !f.EndsWith(".crc", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        var unknown = parts
            .Where(f => !Extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        if (unknown.Count > 0)
        {
            throw new Core.Data.DatasetFormatException(
                unknown[0],
                0,
                $"not a part file of table '{name}': parts end in .parquet, .csv or .csv.gz"
            );
        }

        if (parts.Count == 0)
        {
            throw new Core.Data.DatasetFormatException(
                directory,
                0,
                $"the folder of table '{name}' holds no part files"
            );
        }

        var parquet = parts.Count(IsParquetFile);
        if (parquet != 0 && parquet != parts.Count)
        {
            throw new Core.Data.DatasetFormatException(
                directory,
                0,
                $"table '{name}' mixes Parquet and CSV part files: give its parts in one format"
            );
        }

        return new TableFiles(name, parts, parquet != 0);
    }

    private static bool IsParquetFile(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);
}
