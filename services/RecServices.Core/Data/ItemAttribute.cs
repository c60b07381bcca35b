namespace RecServices.Core.Data;

/// <summary>
/// One item column of a dataset beyond the id, title, categories and year (a price, a brand, a duration), by item
/// index: a number (<see cref="Numbers"/>, NaN where an item has none) or a category-like value
/// (<see cref="Codes"/> into <see cref="Values"/>, -1 where an item has none). The item tower reads it through the
/// rule in <see cref="Features.ItemFeatures"/>.
/// </summary>
public sealed record ItemAttribute
{
    private ItemAttribute(string name, float[]? numbers, int[]? codes, string[] values)
    {
        Name = name;
        Numbers = numbers ?? [];
        Codes = codes ?? [];
        Values = values;
    }

    /// <summary>The column's name in the items table.</summary>
    public string Name { get; }

    /// <summary>True for a numeric column, false for a categorical one.</summary>
    public bool IsNumeric => Codes.Length == 0 && Values.Length == 0;

    /// <summary>Each item's value (numeric columns); NaN when missing.</summary>
    public float[] Numbers { get; }

    /// <summary>Each item's value as an index into <see cref="Values"/> (categorical columns); -1 when missing.</summary>
    public int[] Codes { get; }

    /// <summary>The distinct values of a categorical column, in order of first appearance.</summary>
    public string[] Values { get; }

    public static ItemAttribute Numeric(string name, float[] numbers) => new(name, numbers, null, []);

    public static ItemAttribute Categorical(string name, int[] codes, string[] values) =>
        new(name, null, codes, values);
}
