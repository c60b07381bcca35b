using System.Text;

namespace RecServices.Core.Data;

/// <summary>
/// Reads a split made elsewhere: tab-separated <c>user \t item \t rating \t timestamp</c> (the MovieLens
/// 100K <c>u.data</c> layout, e.g. <c>u1.base</c>/<c>u1.test</c>) over a dataset's own users and items.
/// An unknown id or a malformed line is an error naming the file and the line.
/// </summary>
public static class SplitFileReader
{
    public static InteractionTable Read(string path, Dataset dataset)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException(path, 0, "the split file does not exist");
        }

        var rows = new InteractionTable();
        using var reader = new LineReader(path, new UTF8Encoding(false));
        while (reader.TryRead(out var line))
        {
            var fields = reader.Split(line, "\t", 4);
            if (!dataset.UserIndex.TryGetValue(fields[0].Trim(), out var user))
            {
                throw reader.Error($"user {fields[0]} is not in the dataset");
            }

            if (!dataset.ItemIndex.TryGetValue(fields[1].Trim(), out var item))
            {
                throw reader.Error($"item {fields[1]} is not in the dataset");
            }

            rows.Add(
                user,
                item,
                reader.ParseRating(fields[2], 0, 10),
                reader.ParseLong(fields[3], "timestamp"),
                InteractionKind.Rated
            );
        }

        return rows;
    }
}
