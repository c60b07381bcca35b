using System.Globalization;
using System.Text;

namespace RecServices.Core.Data;

/// <summary>
/// Reads MovieLens latest / 25M / 32M: <c>movies.csv</c> (<c>movieId,title,genres</c>, RFC 4180 quoting:
/// titles with commas are quoted, quotes doubled) and <c>ratings.csv</c> (<c>userId,movieId,rating,timestamp</c>).
/// These releases have no user file, so users carry no country and the country source falls back to
/// global popularity for them.
/// </summary>
internal static class MovieLensCsvReader
{
    public static bool Recognizes(string folder) =>
        File.Exists(Path.Combine(folder, "ratings.csv")) && File.Exists(Path.Combine(folder, "movies.csv"));

    public static Dataset Read(string folder)
    {
        var builder = new DatasetBuilder(1 << 20);
        var fields = new List<string>(4);
        using (var reader = new LineReader(Path.Combine(folder, "movies.csv"), new UTF8Encoding(false)))
        {
            ExpectHeader(reader, "movieId,title,genres");
            while (reader.TryRead(out var line))
            {
                SplitCsv(reader, line, fields, 3);
                var id = reader.ParseInt(fields[0], "movieId").ToString(CultureInfo.InvariantCulture);
                var genres = MovieLensGenres.Parse(fields[2], builder);
                if (!builder.TryAddItem(new Item(id, fields[1], TitleYear.Parse(fields[1]), genres)))
                {
                    throw reader.Error($"duplicate movieId {id}");
                }
            }
        }

        using (var reader = new LineReader(Path.Combine(folder, "ratings.csv"), new UTF8Encoding(false)))
        {
            ExpectHeader(reader, "userId,movieId,rating,timestamp");
            Span<Range> parts = stackalloc Range[5];
            while (reader.TryRead(out var line))
            {
                var span = line.AsSpan();
                if (span.Split(parts, ',') != 4)
                {
                    throw reader.Error(
                        "expected 4 comma-separated fields userId,movieId,rating,timestamp (truncated or "
                            + "malformed line)"
                    );
                }

                var (user, item) = builder.ResolveRating(
                    reader,
                    "userId",
                    reader.ParseInt(span[parts[0]], "userId").ToString(CultureInfo.InvariantCulture),
                    null,
                    "movieId",
                    reader.ParseInt(span[parts[1]], "movieId").ToString(CultureInfo.InvariantCulture),
                    "movies.csv"
                );
                builder.AddInteraction(
                    user,
                    item,
                    reader.ParseRating(span[parts[2]], 0.5f, 5),
                    reader.ParseLong(span[parts[3]], "timestamp"),
                    InteractionKind.Rated
                );
            }
        }

        return builder.Build("movielens-csv");
    }

    private static void ExpectHeader(LineReader reader, string header)
    {
        if (
            !reader.TryRead(out var line)
            || !string.Equals(line.Trim().TrimStart('\uFEFF'), header, StringComparison.Ordinal)
        )
        {
            throw reader.Error($"expected the header '{header}'");
        }
    }

    /// <summary>
    /// Splits one CSV record (RFC 4180, no line breaks inside fields) into exactly <paramref name="expected"/>
    /// fields.
    /// </summary>
    private static void SplitCsv(LineReader reader, string line, List<string> fields, int expected)
    {
        fields.Clear();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw reader.Error("a quoted field is not closed (truncated line?)");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                if (i < line.Length && line[i] != ',')
                {
                    throw reader.Error($"unexpected character '{line[i]}' after a quoted field");
                }
            }
            else
            {
                var end = line.IndexOf(',', i);
                end = end < 0 ? line.Length : end;
                field.Append(line, i, end - i);
                i = end;
            }

            fields.Add(field.ToString());
            if (i >= line.Length)
            {
                break;
            }

            i++; // the comma
        }

        if (fields.Count != expected)
        {
            throw reader.Error(
                $"expected {expected} comma-separated fields, found {fields.Count} (truncated or malformed line)"
            );
        }
    }
}
