using System.Collections.Frozen;
using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;
using RecServices.Users;

namespace RecServices.BundleServing;

/// <summary>
/// The live catalog as this replica applied it: the items hidden or deleted through the catalog service, at the
/// version read from the store. <see cref="CatalogWatcher"/> replaces it as the store's version moves; a call takes
/// <see cref="Current"/> once, so one answer sees one version.
/// </summary>
public sealed class LiveCatalog
{
    private volatile Snapshot _current = new(0, FrozenSet<string>.Empty);

    /// <summary>What this replica serves now.</summary>
    public Snapshot Current => _current;

    /// <summary>Applies what changed after the current version (the one watcher calls it).</summary>
    public void Apply(CatalogChanges changes)
    {
        var current = _current;
        if (changes.Version <= current.Version && changes.Items.Count == 0)
        {
            return;
        }

        var hidden = new HashSet<string>(current.HiddenIds, StringComparer.Ordinal);
        foreach (var item in changes.Items)
        {
            if (item.Served)
            {
                hidden.Remove(item.ItemId);
            }
            else
            {
                hidden.Add(item.ItemId);
            }
        }

        _current = new Snapshot(changes.Version, hidden.ToFrozenSet(StringComparer.Ordinal));
    }

    /// <summary>One version of the live catalog.</summary>
    /// <param name="Version">The store's catalog version it reflects.</param>
    /// <param name="HiddenIds">The ids not to serve.</param>
    public sealed record Snapshot(long Version, FrozenSet<string> HiddenIds)
    {
        private Resolved? _resolved; // one reference: replaced whole, never torn

        /// <summary>The hidden items among <paramref name="catalog"/>'s (resolved once per catalog).</summary>
        public HiddenItems HiddenIn(ItemCatalog catalog)
        {
            if (HiddenIds.Count == 0)
            {
                return HiddenItems.None;
            }

            if (_resolved is { } resolved && ReferenceEquals(resolved.Catalog, catalog))
            {
                return resolved.Hidden;
            }

            var indices = new List<int>(HiddenIds.Count);
            catalog.Resolve(HiddenIds, indices);
            var hidden = new HiddenItems(catalog.Count, indices);
            _resolved = new Resolved(catalog, hidden);
            return hidden;
        }

        private sealed record Resolved(ItemCatalog Catalog, HiddenItems Hidden);
    }
}
