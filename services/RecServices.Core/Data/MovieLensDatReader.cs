using System.Globalization;
using System.Text;

namespace RecServices.Core.Data;

/// <summary>
/// Reads MovieLens 1M and 10M: <c>movies.dat</c> (<c>MovieID::Title::Categories</c>, genres '|'-separated;
/// Latin-1 in 1M, UTF-8 in 10M, detected), <c>ratings.dat</c> (<c>UserID::MovieID::Rating::Timestamp</c>)
/// and, for 1M, <c>users.dat</c> (<c>UserID::Gender::Age::Occupation::Zip-code</c>).
/// </summary>
internal static class MovieLensDatReader
{
    private const string Separator = "::";

    public static bool Recognizes(string folder) =>
        File.Exists(Path.Combine(folder, "ratings.dat")) && File.Exists(Path.Combine(folder, "movies.dat"));

    public static Dataset Read(string folder)
    {
        var builder = new DatasetBuilder(1 << 20);
        var moviesPath = Path.Combine(folder, "movies.dat");
        using (var reader = new LineReader(moviesPath, LineReader.DetectEncoding(moviesPath)))
        {
            while (reader.TryRead(out var line))
            {
                var fields = reader.Split(line, Separator, 3);
                var id = reader.ParseInt(fields[0], "MovieID").ToString(CultureInfo.InvariantCulture);
                var genres = MovieLensGenres.Parse(fields[2], builder);
                if (!builder.TryAddItem(new Item(id, fields[1], TitleYear.Parse(fields[1]), genres)))
                {
                    throw reader.Error($"duplicate MovieID {id}");
                }
            }
        }

        var usersPath = Path.Combine(folder, "users.dat");
        var usersKnown = File.Exists(usersPath);
        if (usersKnown)
        {
            using var reader = new LineReader(usersPath, Encoding.Latin1);
            while (reader.TryRead(out var line))
            {
                var fields = reader.Split(line, Separator, 5);
                var id = reader.ParseInt(fields[0], "UserID").ToString(CultureInfo.InvariantCulture);
                var gender = fields[1] is "M" or "F"
                    ? fields[1]
                    : throw reader.Error($"Gender must be M or F, found '{fields[1]}'");
                var age = reader.ParseInt(fields[2], "Age");
                if (!builder.TryAddUser(new User(id, Locality.FromPostalCode(fields[4]), age, gender)))
                {
                    throw reader.Error($"duplicate UserID {id}");
                }
            }
        }

        using (var reader = new LineReader(Path.Combine(folder, "ratings.dat"), new UTF8Encoding(false)))
        {
            while (reader.TryRead(out var line))
            {
                var fields = reader.Split(line, Separator, 4);
                var userId = reader.ParseInt(fields[0], "UserID").ToString(CultureInfo.InvariantCulture);
                var itemId = reader.ParseInt(fields[1], "MovieID").ToString(CultureInfo.InvariantCulture);
                var (user, item) = builder.ResolveRating(
                    reader,
                    "UserID",
                    userId,
                    usersKnown ? "users.dat" : null,
                    "MovieID",
                    itemId,
                    "movies.dat"
                );
                builder.AddInteraction(
                    user,
                    item,
                    reader.ParseRating(fields[2], 0.5f, 5),
                    reader.ParseLong(fields[3], "Timestamp"),
                    InteractionKind.Rated
                );
            }
        }

        return builder.Build(usersKnown ? "movielens-1m" : "movielens-10m");
    }
}
