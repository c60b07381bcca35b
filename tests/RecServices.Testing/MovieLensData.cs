namespace RecServices.Testing;

/// <summary>
/// Where the shared MovieLens 100K copy lives (never inside the repository: its licence forbids redistribution).
/// </summary>
public static class MovieLensData
{
    public static string Folder100K { get; } = Find();

    public static bool Available => File.Exists(System.IO.Path.Combine(Folder100K, "u.data"));

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("RECS_MOVIELENS_100K");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }

        // Walk up from the test binary to the folder that holds the checkout, then ../shared/data.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data", "movielens", "ml-100k");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return "../shared/data/movielens/ml-100k";
    }
}

/// <summary>A fact that is skipped, with the reason printed, when MovieLens 100K is absent.</summary>
public sealed class MovieLensFactAttribute : FactAttribute
{
    public MovieLensFactAttribute()
    {
        if (!MovieLensData.Available)
        {
            Skip =
                $"MovieLens 100K not found at '{MovieLensData.Folder100K}' (set RECS_MOVIELENS_100K or "
                + $"place it in ../shared/data/movielens/ml-100k)";
        }
    }
}
