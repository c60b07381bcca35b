using Google.Protobuf.Collections;
using RecServices.Contracts.Catalog.V1;
using RecServices.Core.Bundles;
using RecServices.GrpcHardening;
using RecServices.Users;

namespace RecServices.Gateway.Services;

/// <summary>
/// An UpsertItems batch checked field by field (INVALID_ARGUMENT naming the field and how to fix it) and mapped to the
/// store's upserts, with what the answer reports about it against the served bundle: how many items it does not hold,
/// and the categories it does not have.
/// </summary>
internal sealed record ItemUpserts(
    List<CatalogItemUpsert> Items,
    int NewItemCount,
    Dictionary<string, int> UnknownCategories
)
{
    /// <summary>The most items one request (or one stream message) may carry.</summary>
    public const int MaxItems = 1_000;

    /// <summary>The most categories and attributes one item may carry.</summary>
    public const int MaxPerItem = 64;

    /// <summary>The longest title and attribute value.</summary>
    public const int MaxText = 1_024;

    /// <summary>Checks <paramref name="items"/> (under <paramref name="field"/>) against <paramref name="catalog"/>.</summary>
    public static ItemUpserts Checked(RepeatedField<CatalogItem> items, ItemCatalog catalog, string field = "items")
    {
        if (items.Count is 0 or > MaxItems)
        {
            throw RequestChecks.Invalid(
                field,
                $"send 1 to {MaxItems} items per request (a client stream, UpsertItemsStream, for more); got {items.Count}"
            );
        }

        var upserts = new List<CatalogItemUpsert>(items.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var unknown = new Dictionary<string, int>(StringComparer.Ordinal);
        var fresh = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var at = $"{field}[{i}]";
            RequestChecks.Id(item.ItemId, $"{at}.item_id");
            if (!ids.Add(item.ItemId))
            {
                throw RequestChecks.Invalid(
                    $"{at}.item_id",
                    $"item '{item.ItemId}' is sent twice in one request; send each item once"
                );
            }

            RequestChecks.Text(item.Title, $"{at}.title", MaxText);
            if (item.Categories.Count > MaxPerItem)
            {
                throw RequestChecks.Invalid(
                    $"{at}.categories",
                    $"an item may have at most {MaxPerItem} categories; got {item.Categories.Count}"
                );
            }

            RequestChecks.Ids(item.Categories, $"{at}.categories");
            if (item.Year is < 0 or > 9999)
            {
                throw RequestChecks.Invalid($"{at}.year", $"year must be 0 (unknown) or 1 to 9999; got {item.Year}");
            }

            Attributes(item.Attributes, $"{at}.attributes");
            var (from, until) = (item.AvailableFrom?.ToDateTimeOffset(), item.AvailableUntil?.ToDateTimeOffset());
            if (from is not null && until is not null && until <= from)
            {
                throw RequestChecks.Invalid(
                    $"{at}.available_until",
                    $"available_until ({until:O}) must be after available_from ({from:O})"
                );
            }

            foreach (var category in item.Categories.Distinct(StringComparer.Ordinal))
            {
                if (!catalog.CategoryIndex.ContainsKey(category))
                {
                    unknown[category] = unknown.GetValueOrDefault(category) + 1;
                }
            }

            fresh += catalog.Index.ContainsKey(item.ItemId) ? 0 : 1;
            var metadata = new CatalogItemMetadata(
                item.Title,
                [.. item.Categories.Distinct(StringComparer.Ordinal)],
                item.Year == 0 ? null : item.Year,
                new Dictionary<string, string>(item.Attributes, StringComparer.Ordinal),
                from,
                until
            );
            upserts.Add(new CatalogItemUpsert(item.ItemId, metadata, !item.HasAvailable || item.Available));
        }

        return new ItemUpserts(upserts, fresh, unknown);
    }

    private static void Attributes(MapField<string, string> attributes, string field)
    {
        if (attributes.Count > MaxPerItem)
        {
            throw RequestChecks.Invalid(
                field,
                $"an item may have at most {MaxPerItem} attributes; got {attributes.Count}"
            );
        }

        foreach (var (name, value) in attributes)
        {
            RequestChecks.Id(name, $"{field} key");
            RequestChecks.Text(value, $"{field}[\"{name}\"]", MaxText);
        }
    }
}
