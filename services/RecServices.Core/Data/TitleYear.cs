using System.Globalization;

namespace RecServices.Core.Data;

/// <summary>MovieLens titles end with the release year in parentheses: "Toy Story (1995)".</summary>
internal static class TitleYear
{
    /// <summary>The year at the end of a title, or null when there is none.</summary>
    public static int? Parse(string title)
    {
        var span = title.AsSpan().TrimEnd();
        if (
            span.Length >= 6
            && span[^1] == ')'
            && span[^6] == '('
            && int.TryParse(span[^5..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && year is > 1800 and < 2200
        )
        {
            return year;
        }

        return null;
    }
}
