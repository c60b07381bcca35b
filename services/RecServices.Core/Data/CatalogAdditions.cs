namespace RecServices.Core.Data;

/// <summary>One item as the catalog service holds it, for training: what <c>UpsertItems</c> last wrote.</summary>
/// <param name="Id">The item's id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Categories">Its categories by name.</param>
/// <param name="Year">Its year, or null.</param>
/// <param name="Attributes">Its attributes by column name, as text.</param>
public sealed record CatalogItemUpdate(
    string Id,
    string Title,
    IReadOnlyList<string> Categories,
    int? Year,
    IReadOnlyDictionary<string, string> Attributes
);

/// <summary>What <see cref="CatalogAdditions.Apply"/> changed.</summary>
/// <param name="Added">Items the dataset did not hold, appended.</param>
/// <param name="Updated">Items it held whose metadata was replaced.</param>
/// <param name="NewCategories">Category names it did not have, appended after its own.</param>
/// <param name="IgnoredAttributes">Attribute names that are not a column of the dataset (not read).</param>
public sealed record CatalogAdditionsReport(int Added, int Updated, int NewCategories, int IgnoredAttributes);

/// <summary>
/// The catalog service's items applied to a dataset before training (<c>recs train --interactions</c>): an item the
/// dataset holds takes the service's metadata, a new one is appended (after every dataset item, so existing indices
/// do not move) with its categories (new names appended to the category list) and its values of the dataset's
/// attribute columns (a numeric column's text parsed as a number; anything else missing). Interactions recorded with
/// the new items can then be appended like any other.
/// </summary>
public static class CatalogAdditions
{
    public static (Dataset Dataset, CatalogAdditionsReport Report) Apply(
        Dataset dataset,
        IReadOnlyList<CatalogItemUpdate> updates
    )
    {
        if (updates.Count == 0)
        {
            return (dataset, new CatalogAdditionsReport(0, 0, 0, 0));
        }

        var categories = dataset.Categories.ToList();
        var categoryIndex = categories
            .Select((c, i) => (c, i))
            .ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var items = dataset.Items.ToList();
        var itemIndex = dataset.ItemIndex;
        var columns = dataset.ItemAttributes.Select(a => new Column(a)).ToList();
        var columnNames = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var (added, updated) = (0, 0);
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var update in updates)
        {
            var itemCategories = update
                .Categories.Select(name =>
                {
                    if (!categoryIndex.TryGetValue(name, out var g))
                    {
                        categoryIndex[name] = g = categories.Count;
                        categories.Add(name);
                    }

                    return g;
                })
                .Distinct()
                .Order()
                .ToArray();
            var item = new Item(update.Id, update.Title, update.Year, itemCategories);
            int at;
            if (itemIndex.TryGetValue(update.Id, out at))
            {
                items[at] = item;
                updated++;
            }
            else
            {
                at = items.Count;
                items.Add(item);
                added++;
            }

            foreach (var column in columns)
            {
                column.Set(at, update.Attributes.GetValueOrDefault(column.Name));
            }

            ignored.UnionWith(update.Attributes.Keys.Where(k => !columnNames.Contains(k)));
        }

        var result = new Dataset(dataset.Name, categories, items, dataset.Users, dataset.Interactions)
        {
            ItemAttributes = [.. columns.Select(c => c.Build(items.Count))],
        };
        return (
            result,
            new CatalogAdditionsReport(added, updated, categories.Count - dataset.Categories.Count, ignored.Count)
        );
    }

    /// <summary>One attribute column being extended.</summary>
    private sealed class Column(ItemAttribute attribute)
    {
        private readonly List<float> _numbers = [.. attribute.Numbers];
        private readonly List<int> _codes = [.. attribute.Codes];
        private readonly List<string> _values = [.. attribute.Values];

        public string Name => attribute.Name;

        public void Set(int item, string? text)
        {
            if (attribute.IsNumeric)
            {
                var value =
                    text is not null
                    && float.TryParse(
                        text,
                        System.Globalization.NumberStyles.Float,
                        System.Globalization.CultureInfo.InvariantCulture,
                        out var number
                    )
                        ? number
                        : float.NaN;
                Put(_numbers, item, value, float.NaN);
                return;
            }

            var code = -1;
            if (!string.IsNullOrEmpty(text))
            {
                code = _values.IndexOf(text);
                if (code < 0)
                {
                    code = _values.Count;
                    _values.Add(text);
                }
            }

            Put(_codes, item, code, -1);
        }

        public ItemAttribute Build(int count)
        {
            if (attribute.IsNumeric)
            {
                Pad(_numbers, count, float.NaN);
                return ItemAttribute.Numeric(Name, [.. _numbers]);
            }

            Pad(_codes, count, -1);
            return ItemAttribute.Categorical(Name, [.. _codes], [.. _values]);
        }

        private static void Put<T>(List<T> list, int at, T value, T missing)
        {
            Pad(list, at + 1, missing);
            list[at] = value;
        }

        private static void Pad<T>(List<T> list, int count, T missing)
        {
            while (list.Count < count)
            {
                list.Add(missing);
            }
        }
    }
}
