using System.Globalization;
using System.Text;

namespace RecServices.Core.Data;

/// <summary>
/// Reads MovieLens 100K: <c>u.item</c> (Latin-1, 24 '|'-separated fields), <c>u.user</c>
/// (<c>id|age|gender|occupation|zip</c>), <c>u.data</c> (<c>user \t item \t rating \t timestamp</c>),
/// and <c>u.genre</c> and <c>u.info</c> when present. Localities come from the ZIP code (<see cref="Locality"/>).
/// </summary>
internal static class MovieLens100KReader
{
    private static readonly string[] DefaultGenres =
    [
        "unknown",
        "Action",
        "Adventure",
        "Animation",
        "Children's",
        "Comedy",
        "Crime",
        "Documentary",
        "Drama",
        "Fantasy",
        "Film-Noir",
        "Horror",
        "Musical",
        "Mystery",
        "Romance",
        "Sci-Fi",
        "Thriller",
        "War",
        "Western",
    ];

    /// <summary>True when <paramref name="folder"/> looks like MovieLens 100K.</summary>
    public static bool Recognizes(string folder) =>
        File.Exists(Path.Combine(folder, "u.data")) && File.Exists(Path.Combine(folder, "u.item"));

    public static Dataset Read(string folder)
    {
        var builder = new DatasetBuilder(100_000);
        var genres = ReadGenres(folder);
        foreach (var genre in genres)
        {
            builder.Category(genre);
        }

        ReadItems(Path.Combine(folder, "u.item"), builder, genres.Length);
        var userFile = Path.Combine(folder, "u.user");
        if (File.Exists(userFile))
        {
            ReadUsers(userFile, builder);
        }

        var ratings = ReadRatings(Path.Combine(folder, "u.data"), builder, usersKnown: File.Exists(userFile));
        CheckInfo(folder, builder, ratings);
        return builder.Build("movielens-100k");
    }

    private static string[] ReadGenres(string folder)
    {
        var path = Path.Combine(folder, "u.genre");
        if (!File.Exists(path))
        {
            return DefaultGenres;
        }

        var genres = new List<string>();
        using var reader = new LineReader(path, Encoding.Latin1);
        while (reader.TryRead(out var line))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = reader.Split(line, "|", 2);
            var index = reader.ParseInt(fields[1], "genre index");
            if (index != genres.Count)
            {
                throw reader.Error($"genre index {index} out of order; expected {genres.Count}");
            }

            genres.Add(fields[0]);
        }

        if (genres.Count == 0)
        {
            throw new DatasetFormatException(path, 0, "no genres listed");
        }

        return [.. genres];
    }

    private static void ReadItems(string path, DatasetBuilder builder, int genreCount)
    {
        using var reader = new LineReader(path, Encoding.Latin1);
        while (reader.TryRead(out var line))
        {
            var fields = reader.Split(line, "|", 5 + genreCount);
            var id = reader.ParseInt(fields[0], "movie id").ToString(CultureInfo.InvariantCulture);
            var genres = new List<int>();
            for (var g = 0; g < genreCount; g++)
            {
                var flag = fields[5 + g];
                if (flag == "1")
                {
                    genres.Add(g);
                }
                else if (flag != "0")
                {
                    throw reader.Error($"genre flag {g + 1} must be 0 or 1, found '{flag}'");
                }
            }

            var year = YearOfDate(fields[2]) ?? TitleYear.Parse(fields[1]);
            if (!builder.TryAddItem(new Item(id, fields[1], year, [.. genres])))
            {
                throw reader.Error($"duplicate movie id {id}");
            }
        }

        if (builder.ItemCount == 0)
        {
            throw new DatasetFormatException(path, 0, "the file lists no items");
        }
    }

    private static void ReadUsers(string path, DatasetBuilder builder)
    {
        using var reader = new LineReader(path, Encoding.Latin1);
        while (reader.TryRead(out var line))
        {
            var fields = reader.Split(line, "|", 5);
            var id = reader.ParseInt(fields[0], "user id").ToString(CultureInfo.InvariantCulture);
            var age = reader.ParseInt(fields[1], "age");
            var gender = fields[2] switch
            {
                "M" => "M",
                "F" => "F",
                _ => throw reader.Error($"gender must be M or F, found '{fields[2]}'"),
            };
            if (!builder.TryAddUser(new User(id, Locality.FromPostalCode(fields[4]), age, gender)))
            {
                throw reader.Error($"duplicate user id {id}");
            }
        }
    }

    private static int ReadRatings(string path, DatasetBuilder builder, bool usersKnown)
    {
        using var reader = new LineReader(path, Encoding.ASCII);
        var count = 0;
        while (reader.TryRead(out var line))
        {
            var fields = reader.Split(line, "\t", 4);
            var userId = reader.ParseInt(fields[0], "user id").ToString(CultureInfo.InvariantCulture);
            var itemId = reader.ParseInt(fields[1], "item id").ToString(CultureInfo.InvariantCulture);
            var (user, item) = builder.ResolveRating(
                reader,
                "user",
                userId,
                usersKnown ? "u.user" : null,
                "item",
                itemId,
                "u.item"
            );

            var rating = reader.ParseRating(fields[2], 1, 5);
            var timestamp = reader.ParseLong(fields[3], "timestamp");
            builder.AddInteraction(user, item, rating, timestamp, InteractionKind.Rated);
            count++;
        }

        return count;
    }

    private static void CheckInfo(string folder, DatasetBuilder builder, int ratings)
    {
        var path = Path.Combine(folder, "u.info");
        if (!File.Exists(path))
        {
            return;
        }

        using var reader = new LineReader(path, Encoding.ASCII);
        while (reader.TryRead(out var line))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var expected))
            {
                continue;
            }

            var (actual, file) = parts[1].Trim() switch
            {
                "users" => (builder.UserCount, "u.user"),
                "items" => (builder.ItemCount, "u.item"),
                "ratings" => (ratings, "u.data"),
                _ => (expected, string.Empty),
            };
            if (actual != expected)
            {
                throw new DatasetFormatException(
                    Path.Combine(folder, file),
                    0,
                    $"u.info lists {expected} {parts[1].Trim()} but {actual} were read: the file is truncated"
                );
            }
        }
    }

    private static int? YearOfDate(string date) =>
        DateTime.TryParseExact(date, "dd-MMM-yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed.Year
            : null;
}
