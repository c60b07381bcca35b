using RecServices.Core.Data;

namespace RecServices.Core.Features;

/// <summary>
/// How one item attribute (an items-table column beyond id, title, categories and year) becomes item tower inputs,
/// fitted on the catalog and recorded in the manifest's feature schema. Numeric: two inputs, the value standardised
/// by <see cref="Scale"/> (0 when missing) and a missing flag. Categorical: one input per value of
/// <see cref="Vocabulary"/> (one-hot) and one for any other value; a missing value sets none.
/// </summary>
/// <param name="Name">The column's name.</param>
/// <param name="Scale">The standardisation of a numeric column; null for a categorical one.</param>
/// <param name="Vocabulary">The values of a categorical column that get their own input; empty for a numeric one.</param>
public sealed record AttributeFeature(string Name, Standardizer? Scale, IReadOnlyList<string> Vocabulary)
{
    /// <summary>The most values of a categorical column that get their own input (the most frequent).</summary>
    public const int VocabularyCap = 32;

    /// <summary>A categorical value gets its own input only when at least this many items have it.</summary>
    public const int MinItemsPerValue = 2;

    /// <summary>Prefix of the attribute inputs' names in <see cref="FeatureSchema.ItemFeatureNames"/>.</summary>
    public const string Prefix = "attribute:";

    /// <summary>The names of this attribute's inputs, in order.</summary>
    public IEnumerable<string> InputNames =>
        Scale is not null
            ? [Prefix + Name, Prefix + Name + ":missing"]
            : [.. Vocabulary.Select(v => Prefix + Name + "=" + v), Prefix + Name + ":other"];

    /// <summary>How many inputs it has.</summary>
    public int Width => Scale is not null ? 2 : Vocabulary.Count + 1;

    /// <summary>
    /// The rule fitted on a column, or null when the column carries nothing to learn from (a numeric column with fewer
    /// than two distinct values, a categorical one with no value on <see cref="MinItemsPerValue"/> items).
    /// </summary>
    public static AttributeFeature? Fit(ItemAttribute attribute)
    {
        if (attribute.IsNumeric)
        {
            var values = attribute.Numbers.Where(float.IsFinite).Select(v => (double)v).ToList();
            return values.Distinct().Take(2).Count() < 2
                ? null
                : new AttributeFeature(attribute.Name, Standardizer.Fit(values), []);
        }

        var counts = new int[attribute.Values.Length];
        foreach (var code in attribute.Codes)
        {
            if (code >= 0)
            {
                counts[code]++;
            }
        }

        var vocabulary = Enumerable
            .Range(0, counts.Length)
            .Where(v => counts[v] >= MinItemsPerValue)
            .OrderByDescending(v => counts[v])
            .ThenBy(v => attribute.Values[v], StringComparer.Ordinal)
            .Take(VocabularyCap)
            .Select(v => attribute.Values[v])
            .ToList();
        return vocabulary.Count == 0 ? null : new AttributeFeature(attribute.Name, null, vocabulary);
    }

    /// <summary>Writes one item's inputs for this attribute into <paramref name="row"/> (of <see cref="Width"/>).</summary>
    public void Fill(ItemAttribute attribute, int item, Span<float> row, Dictionary<string, int>? vocabularyIndex)
    {
        if (Scale is not null)
        {
            var value = attribute.Numbers[item];
            row[0] = float.IsFinite(value) ? Scale.Apply(value) : 0;
            row[1] = float.IsFinite(value) ? 0 : 1;
            return;
        }

        var code = attribute.Codes[item];
        if (code < 0)
        {
            return;
        }

        row[vocabularyIndex!.TryGetValue(attribute.Values[code], out var slot) ? slot : Vocabulary.Count] = 1;
    }
}
