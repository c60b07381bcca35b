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
    private volatile Snapshot _current = new(0, FrozenDictionary<string, CatalogItemState>.Empty);

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

        var states = new Dictionary<string, CatalogItemState>(current.States, StringComparer.Ordinal);
        foreach (var item in changes.Items)
        {
            states[item.ItemId] = item;
        }

        _current = new Snapshot(changes.Version, states.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>One version of the live catalog.</summary>
    public sealed class Snapshot
    {
        private Resolved? _resolved; // one reference: replaced whole, never torn

        /// <param name="version">The store's catalog version it reflects.</param>
        /// <param name="states">Every item the catalog service changed, as it is at that version.</param>
        public Snapshot(long version, FrozenDictionary<string, CatalogItemState> states)
        {
            Version = version;
            States = states;
            HiddenIds = states.Values.Where(s => !s.Served).Select(s => s.ItemId).ToFrozenSet(StringComparer.Ordinal);
        }

        /// <summary>The store's catalog version it reflects.</summary>
        public long Version { get; }

        /// <summary>Every item the catalog service changed, by id (the others are as the bundle has them).</summary>
        public FrozenDictionary<string, CatalogItemState> States { get; }

        /// <summary>The ids not to serve.</summary>
        public FrozenSet<string> HiddenIds { get; }

        /// <summary>The state of <paramref name="itemId"/>: the catalog service's, or null when it changed nothing.</summary>
        public CatalogItemState? StateOf(string itemId) => States.GetValueOrDefault(itemId);

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
