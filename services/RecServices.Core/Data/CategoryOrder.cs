namespace RecServices.Core.Data;

/// <summary>
/// The one order of a dataset's categories: by name (ordinal). Items refer to categories by index, and the item and
/// user towers read them in that order, so the same content read from MovieLens files, Parquet or CSV gives the
/// same dataset (and the same fingerprint and model) whatever order the files named them in.
/// </summary>
public static class CategoryOrder
{
    /// <summary>
    /// The names sorted, and the items with their category indices mapped to the sorted order (ascending).
    /// </summary>
    public static (string[] Names, Item[] Items) Sort(IReadOnlyList<string> names, IReadOnlyList<Item> items)
    {
        var order = Enumerable.Range(0, names.Count).OrderBy(i => names[i], StringComparer.Ordinal).ToArray();
        var position = new int[order.Length];
        for (var p = 0; p < order.Length; p++)
        {
            position[order[p]] = p;
        }

        var sorted = order.Select(i => names[i]).ToArray();
        if (order.AsSpan().SequenceEqual(Enumerable.Range(0, order.Length).ToArray()))
        {
            return (sorted, items as Item[] ?? [.. items]);
        }

        var mapped = new Item[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var categories = items[i].Categories.Select(c => position[c]).ToArray();
            Array.Sort(categories);
            mapped[i] = items[i] with { Categories = categories };
        }

        return (sorted, mapped);
    }
}
