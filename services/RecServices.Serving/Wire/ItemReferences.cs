using RecServices.Contracts.Common.V1;
using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;

namespace RecServices.Serving.Wire;

/// <summary>
/// The internal contracts' <see cref="ItemRefs"/> (ids, or indexes of one bundle version): made from item indices,
/// checked against the version a call is pinned to, and read back as item indices of its catalog. Retrieval and
/// ranking read them, the gateway and the lab write them.
/// </summary>
public static class ItemReferences
{
    /// <summary>The most items one list may hold.</summary>
    public const int MaxCount = 10_000;

    /// <summary>The longest id accepted.</summary>
    public const int MaxIdLength = 256;

    /// <summary>
    /// <paramref name="items"/> (indices of <paramref name="served"/>, a call on <paramref name="bundle"/>) as a
    /// reference: indexes when <paramref name="byIndex"/> (the receiver holds the same version; fresh items' indexes
    /// are the same in every process), otherwise ids.
    /// </summary>
    public static ItemRefs Of(ReadOnlySpan<int> items, Bundle bundle, ServedItems served, bool byIndex)
    {
        if (byIndex)
        {
            var indexes = new ItemIndexes { BundleVersion = bundle.Manifest.Version };
            indexes.Indexes.Capacity = items.Length;
            foreach (var item in items)
            {
                indexes.Indexes.Add(item);
            }

            return new ItemRefs { Indexes = indexes };
        }

        var ids = new ItemIds();
        ids.Ids.Capacity = items.Length;
        foreach (var item in items)
        {
            ids.Ids.Add(served.IdOf(item));
        }

        return new ItemRefs { Ids = ids };
    }

    /// <summary>Items by id.</summary>
    public static ItemRefs OfIds(IEnumerable<string> ids) => new() { Ids = new ItemIds { Ids = { ids } } };

    /// <summary>Items by their indexes in <paramref name="bundleVersion"/>'s item table.</summary>
    public static ItemRefs OfIndexes(string bundleVersion, IEnumerable<int> indexes) =>
        new()
        {
            Indexes = new ItemIndexes { BundleVersion = bundleVersion, Indexes = { indexes } },
        };

    /// <summary>
    /// A v1 contract's id and index pair (checked: at most one of them set) as one reference: the indexes, of
    /// <paramref name="bundleVersion"/>, when there are any, otherwise the ids.
    /// </summary>
    public static ItemRefs OfPair(
        Google.Protobuf.Collections.RepeatedField<string> ids,
        Google.Protobuf.Collections.RepeatedField<int> indexes,
        string bundleVersion
    ) => indexes.Count > 0 ? OfIndexes(bundleVersion, indexes) : OfIds(ids);

    /// <summary>
    /// Null when <paramref name="refs"/> is a valid list for a call pinned to <paramref name="version"/> of a catalog
    /// of <paramref name="catalogCount"/> items (and the fresh items numbered after them, below
    /// <see cref="FreshItems.MaxSlots"/> more); otherwise the field at fault (a path under
    /// <paramref name="field"/>, e.g. <c>candidates.indexes.indexes[3]</c>) and what is wrong, saying how to fix it.
    /// </summary>
    public static (string Field, string Message)? Problem(
        this ItemRefs? refs,
        string field,
        string version,
        int catalogCount
    )
    {
        if (refs?.RefsCase == ItemRefs.RefsOneofCase.Ids)
        {
            return IdsProblem(refs.Ids.Ids, $"{field}.ids");
        }

        if (refs?.RefsCase != ItemRefs.RefsOneofCase.Indexes)
        {
            return null;
        }

        var indexes = refs.Indexes;
        if (indexes.BundleVersion != version)
        {
            return (
                $"{field}.indexes.bundle_version",
                indexes.BundleVersion.Length == 0
                    ? $"{field}.indexes needs the bundle_version its indexes come from (positions in one bundle's "
                        + "item table mean nothing without it), or send ids"
                    : $"{field}.indexes are of bundle '{indexes.BundleVersion}' but the request is pinned to "
                        + $"'{version}'; set the request's bundle_version to the indexes' version, or send ids"
            );
        }

        var values = indexes.Indexes;
        if (values.Count > MaxCount)
        {
            return ($"{field}.indexes.indexes", $"{field} may hold at most {MaxCount} items; got {values.Count}");
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] < 0 || values[i] - (long)catalogCount >= FreshItems.MaxSlots)
            {
                return (
                    $"{field}.indexes.indexes[{i}]",
                    $"{field}.indexes.indexes[{i}] = {values[i]} is outside the item table of bundle {version} (0 "
                        + $"to {catalogCount - 1}, then added items from {catalogCount}); send indexes of that "
                        + "version, or ids"
                );
            }
        }

        return null;
    }

    /// <summary>
    /// The items of <paramref name="refs"/> (checked by <see cref="Problem"/>) as indices of
    /// <paramref name="served"/>, in order; ids it does not hold are skipped and added to <paramref name="unknown"/>,
    /// indexes of added items not read here yet are skipped.
    /// </summary>
    public static List<int> Resolve(this ItemRefs? refs, ServedItems served, ICollection<string>? unknown = null)
    {
        switch (refs?.RefsCase)
        {
            case ItemRefs.RefsOneofCase.Ids:
                var items = new List<int>(refs.Ids.Ids.Count);
                served.Resolve(refs.Ids.Ids, items, unknown);
                return items;
            case ItemRefs.RefsOneofCase.Indexes:
                var indexes = new List<int>(refs.Indexes.Indexes);
                if (indexes.Count > 0 && indexes.Max() >= served.Catalog.Count)
                {
                    indexes.RemoveAll(i => !served.Knows(i));
                }

                return indexes;
            default:
                return [];
        }
    }

    private static (string Field, string Message)? IdsProblem(
        Google.Protobuf.Collections.RepeatedField<string> ids,
        string field
    )
    {
        if (ids.Count > MaxCount)
        {
            return (field, $"{field} may hold at most {MaxCount} items; got {ids.Count}");
        }

        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i].Length is 0 or > MaxIdLength)
            {
                return (
                    $"{field}[{i}]",
                    $"{field}[{i}] must be 1 to {MaxIdLength} characters; got "
                        + (ids[i].Length == 0 ? "an empty value" : $"{ids[i].Length} characters")
                );
            }
        }

        return null;
    }
}
