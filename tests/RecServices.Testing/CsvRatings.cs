using System.Globalization;
using System.Text;

namespace RecServices.Testing;

/// <summary>A small seeded dataset in MovieLens's CSV layout (movies.csv, ratings.csv), for the commands' tests.</summary>
public static class CsvRatings
{
    /// <summary>A small made-up MovieLens-CSV dataset: every user rates a random third of the movies.</summary>
    public static void Write(string folder, int users, int items)
    {
        var rng = new Random(3);
        var movies = new StringBuilder("movieId,title,genres\n");
        for (var m = 1; m <= items; m++)
        {
            movies.Append(
                CultureInfo.InvariantCulture,
                $"{m},\"Movie {m}, The ({1980 + (m % 40)})\",{(m % 3 == 0 ? "Drama" : "Comedy|Action")}\n"
            );
        }

        var ratings = new StringBuilder("userId,movieId,rating,timestamp\n");
        for (var u = 1; u <= users; u++)
        {
            for (var m = 1; m <= items; m++)
            {
                if (rng.NextDouble() < 0.33 + (m < 10 ? 0.4 : 0))
                {
                    ratings.Append(
                        CultureInfo.InvariantCulture,
                        $"{u},{m},{1 + rng.Next(5)}.0,{964_980_000 + (u * 1000) + m}\n"
                    );
                }
            }
        }

        File.WriteAllText(Path.Combine(folder, "movies.csv"), movies.ToString());
        File.WriteAllText(Path.Combine(folder, "ratings.csv"), ratings.ToString());
    }
}
