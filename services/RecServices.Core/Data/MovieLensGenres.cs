namespace RecServices.Core.Data;

/// <summary>MovieLens 1M/10M/latest genre lists: '|'-separated names, "(no genres listed)" for none.</summary>
internal static class MovieLensGenres
{
    public static int[] Parse(string field, DatasetBuilder builder)
    {
        if (field.Length == 0 || field == "(no genres listed)")
        {
            return [];
        }

        var genres = new SortedSet<int>();
        foreach (var name in field.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            genres.Add(builder.Category(name));
        }

        return [.. genres];
    }
}
