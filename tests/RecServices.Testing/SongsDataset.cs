using System.Globalization;
using System.Text;

namespace RecServices.Testing;

/// <summary>
/// A dataset that is not movies, written as a music service would export it, in the table format's CSV form: songs
/// with tags (the categories), an artist, a duration and an explicit flag (item features); listeners with a country,
/// an age and a gender (some missing) and a plan (a column the reader leaves aside); plays with a count, likes and
/// purchases, ISO 8601 timestamps. Seeded: listeners prefer two tags of their own and their country's tag; a song's
/// tags come from its artist. <c>docs/examples/songs</c> is this generator's output with <see cref="Example"/>.
/// </summary>
public static class SongsDataset
{
    /// <summary>The sizes and seed of the example in the repository (docs/examples/songs).</summary>
    public static readonly (int Seed, int Listeners, int Songs, int Artists) Example = (7, 400, 300, 60);

    private static readonly string[] Tags =
    [
        "rock",
        "indie",
        "pop",
        "jazz",
        "hip-hop",
        "electronic",
        "classical",
        "folk",
        "metal",
        "soul",
        "latin",
        "k-pop",
    ];

    private static readonly (string Country, int Tag)[] Countries =
    [
        ("SE", 5),
        ("US", 4),
        ("BR", 10),
        ("JP", 0),
        ("KR", 11),
        ("DE", 8),
        ("MX", 10),
        ("GB", 1),
    ];

    /// <summary>Writes items.csv, users.csv and interactions.csv into <paramref name="folder"/>.</summary>
    public static void Write(string folder, int seed, int listeners, int songs, int artists)
    {
        var rng = new Random(seed);
        Directory.CreateDirectory(folder);
        var artistTags = Enumerable
            .Range(0, artists)
            .Select(_ => new[] { rng.Next(Tags.Length), rng.Next(Tags.Length) })
            .ToArray();
        var songArtist = new int[songs];
        var songTags = new List<int>[songs];
        var popularity = new double[songs];
        var items = new StringBuilder("item_id,title,categories,year,duration_s,artist,explicit\n");
        for (var s = 0; s < songs; s++)
        {
            var artist = rng.Next(artists);
            songArtist[s] = artist;
            songTags[s] = [.. artistTags[artist].Distinct()];
            if (rng.NextDouble() < 0.15)
            {
                songTags[s].Add(rng.Next(Tags.Length));
            }

            songTags[s] = [.. songTags[s].Distinct()];
            popularity[s] = 1 / Math.Pow(1 + rng.Next(songs), 0.8);
            var duration = 120 + rng.Next(300);
            items.Append(
                CultureInfo.InvariantCulture,
                $"s{s + 1:0000},\"Song {s + 1}, by Artist {artist + 1}\",{string.Join('|', songTags[s].Select(t => Tags[t]))},"
                    + $"{1970 + rng.Next(55)},{duration}.{rng.Next(10)},artist-{artist + 1},{(rng.NextDouble() < 0.2 ? "true" : "false")}\n"
            );
        }

        var users = new StringBuilder("user_id,country,age,gender,plan\n");
        var interactions = new StringBuilder("user_id,item_id,timestamp,kind,rating,count\n");
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var u = 0; u < listeners; u++)
        {
            var (country, countryTag) = Countries[rng.Next(Countries.Length)];
            var age =
                rng.NextDouble() < 0.2 ? string.Empty : (15 + rng.Next(50)).ToString(CultureInfo.InvariantCulture);
            var gender = rng.NextDouble() switch
            {
                < 0.45 => "female",
                < 0.9 => "male",
                < 0.95 => "x",
                _ => string.Empty,
            };
            users.Append(
                CultureInfo.InvariantCulture,
                $"l{u + 1},{country},{age},{gender},{(rng.NextDouble() < 0.3 ? "premium" : "free")}\n"
            );
            int[] liked = [rng.Next(Tags.Length), rng.Next(Tags.Length), countryTag];
            var weights = Enumerable
                .Range(0, songs)
                .Select(s => popularity[s] * (songTags[s].Any(liked.Contains) ? 12 : 1))
                .ToArray();
            var total = weights.Sum();
            var time = start.AddMinutes(rng.Next(60 * 24 * 30));
            var seen = new HashSet<int>();
            var plays = 8 + (int)(Math.Exp(rng.NextDouble() * 3) * 3);
            for (var n = 0; n < plays; n++)
            {
                var song = Draw(rng, weights, total);
                if (!seen.Add(song))
                {
                    continue;
                }

                time = time.AddMinutes(3 + rng.Next(60 * 24));
                var (kind, rating, count) = rng.NextDouble() switch
                {
                    < 0.80 => (
                        "play",
                        string.Empty,
                        (1 + (int)Math.Exp(rng.NextDouble() * 3)).ToString(CultureInfo.InvariantCulture)
                    ),
                    < 0.93 => ("like", string.Empty, string.Empty),
                    < 0.97 => ("purchase", string.Empty, string.Empty),
                    _ => ("rating", (3 + rng.Next(3)).ToString(CultureInfo.InvariantCulture), string.Empty),
                };
                interactions.Append(
                    CultureInfo.InvariantCulture,
                    $"l{u + 1},s{song + 1:0000},{time:yyyy-MM-ddTHH:mm:ssZ},{kind},{rating},{count}\n"
                );
            }
        }

        var utf8 = new UTF8Encoding(false);
        File.WriteAllText(Path.Combine(folder, "items.csv"), items.ToString(), utf8);
        File.WriteAllText(Path.Combine(folder, "users.csv"), users.ToString(), utf8);
        File.WriteAllText(Path.Combine(folder, "interactions.csv"), interactions.ToString(), utf8);
    }

    /// <summary>The example in the repository, or null when this run has no checkout around it.</summary>
    public static string? ExampleFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "examples", "songs");
            if (File.Exists(Path.Combine(candidate, "interactions.csv")))
            {
                return candidate;
            }
        }

        return null;
    }

    private static int Draw(Random rng, double[] weights, double total)
    {
        var x = rng.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x <= 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}
