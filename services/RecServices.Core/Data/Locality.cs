namespace RecServices.Core.Data;

/// <summary>
/// The rule that gives MovieLens users a locality for the country candidate source, since MovieLens has
/// no country field. A US ZIP code's first digit is its national area (0 = New England … 9 = the Pacific
/// states), so a five-digit ZIP maps to "US-0" … "US-9"; a code that starts with a letter is a Canadian
/// postal code ("CA"); anything else is "ZZ" (unknown). Datasets that carry real countries keep them.
/// </summary>
public static class Locality
{
    /// <summary>Locality of a MovieLens ZIP or postal code.</summary>
    public static string FromPostalCode(string? code)
    {
        var value = (code ?? string.Empty).Trim();
        if (value.Length >= 5 && value.AsSpan(0, 5).ContainsAnyExceptInRange('0', '9') is false)
        {
            return "US-" + value[0];
        }

        if (
            value.Length >= 3
            && char.IsAsciiLetter(value[0])
            && char.IsAsciiDigit(value[1])
            && char.IsAsciiLetter(value[2])
        )
        {
            return "CA";
        }

        return "ZZ";
    }
}
