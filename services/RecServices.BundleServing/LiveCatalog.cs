using System.Collections.Frozen;
using RecServices.Core.Bundles;
using RecServices.Serving.Inference;
using RecServices.Serving.Retrieval;
using RecServices.Users;

namespace RecServices.BundleServing;

/// <summary>
/// The live catalog as this replica applied it: the items added, hidden or deleted through the catalog service, at the
/// version read from the store. <see cref="CatalogWatcher"/> replaces it as the store's version moves (and when an
/// item's availability window opens or closes); a call takes <see cref="Current"/> once, so one answer sees one version.
/// </summary>
public sealed class LiveCatalog(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private volatile Snapshot? _current;

    /// <summary>What this replica serves now.</summary>
    public Snapshot Current =>
        _current ??= new Snapshot(0, FrozenDictionary<string, CatalogItemState>.Empty, _time.GetUtcNow(), null);

    /// <summary>Applies what changed after the current version (the one watcher calls it).</summary>
    public void Apply(CatalogChanges changes)
    {
        var current = Current;
        if (changes.Version <= current.Version && changes.Items.Count == 0)
        {
            return;
        }

        var states = new Dictionary<string, CatalogItemState>(current.States, StringComparer.Ordinal);
        foreach (var item in changes.Items)
        {
            states[item.ItemId] = item;
        }

        _current = new Snapshot(
            changes.Version,
            states.ToFrozenDictionary(StringComparer.Ordinal),
            _time.GetUtcNow(),
            current
        );
    }

    /// <summary>
    /// Takes the clock into account: when an item's availability window opened or closed since the current snapshot
    /// was made, replaces it with one of the same version as of now (the watcher calls it every poll).
    /// </summary>
    public void Tick()
    {
        var current = Current;
        var now = _time.GetUtcNow();
        if (now >= current.NextWindowChange)
        {
            _current = new Snapshot(current.Version, current.States, now, current);
        }
    }

    /// <summary>One version of the live catalog, as of one moment.</summary>
    public sealed class Snapshot
    {
        private readonly Resolved? _lent; // the previous snapshot's resolution: its fresh items' vectors are reused
        private Resolved? _resolved; // one reference: replaced whole, never torn
        private readonly Lock _resolving = new();

        /// <param name="version">The store's catalog version it reflects.</param>
        /// <param name="states">Every item the catalog service changed, as it is at that version.</param>
        /// <param name="asOf">The moment availability windows are judged at.</param>
        /// <param name="previous">The snapshot it replaces, whose fresh items' vectors it reuses.</param>
        public Snapshot(
            long version,
            FrozenDictionary<string, CatalogItemState> states,
            DateTimeOffset asOf,
            Snapshot? previous
        )
        {
            Version = version;
            States = states;
            AsOf = asOf;
            _lent = previous?._resolved ?? previous?._lent; // a resolution holds no snapshot: no chain builds up
            HiddenIds = states
                .Values.Where(s => !s.ServedAt(asOf))
                .Select(s => s.ItemId)
                .ToFrozenSet(StringComparer.Ordinal);
            NextWindowChange = states
                .Values.SelectMany(s => new[] { s.Metadata?.AvailableFrom, s.Metadata?.AvailableUntil })
                .Where(t => t > asOf)
                .Select(t => t!.Value)
                .DefaultIfEmpty(DateTimeOffset.MaxValue)
                .Min();
        }

        /// <summary>The store's catalog version it reflects.</summary>
        public long Version { get; }

        /// <summary>The moment its availability windows were judged at.</summary>
        public DateTimeOffset AsOf { get; }

        /// <summary>The next moment an item's window opens or closes (<see cref="DateTimeOffset.MaxValue"/>: none).</summary>
        public DateTimeOffset NextWindowChange { get; }

        /// <summary>Every item the catalog service changed, by id (the others are as the bundle has them).</summary>
        public FrozenDictionary<string, CatalogItemState> States { get; }

        /// <summary>The ids not to serve (hidden, deleted, or outside their window).</summary>
        public FrozenSet<string> HiddenIds { get; }

        /// <summary>The state of <paramref name="itemId"/>: the catalog service's, or null when it changed nothing.</summary>
        public CatalogItemState? StateOf(string itemId) => States.GetValueOrDefault(itemId);

        /// <summary>
        /// What a call on <paramref name="bundle"/> serves from: its catalog, the fresh items (the upserted ones it
        /// does not hold, with V_m from <paramref name="embedder"/> when given) and the hidden items of both. Resolved
        /// once per bundle; vectors of items unchanged since the previous snapshot are reused.
        /// </summary>
        public ServedItems For(Bundle bundle, ItemEmbedder? embedder = null)
        {
            if (Reusable(bundle, embedder) is { } ready)
            {
                return ready;
            }

            // one resolution per snapshot: concurrent calls wait for it rather than run the item tower twice
            lock (_resolving)
            {
                if (Reusable(bundle, embedder) is { } resolved)
                {
                    return resolved;
                }

                var items = Resolve(bundle, embedder);
                _resolved = new Resolved(bundle, embedder is not null, items);
                return items;
            }
        }

        private ServedItems? Reusable(Bundle bundle, ItemEmbedder? embedder) =>
            _resolved is { } resolved
            && ReferenceEquals(resolved.Bundle, bundle)
            && (embedder is null || resolved.Embedded)
                ? resolved.Items
                : null;

        private ServedItems Resolve(Bundle bundle, ItemEmbedder? embedder)
        {
            var catalog = bundle.Catalog;
            var embeds = bundle.Manifest.Schema.EmbedsNewItems;
            var fresh = new List<FreshItem>();
            foreach (var state in States.Values)
            {
                if (
                    state.Metadata is { } metadata
                    && state.Ordinal is >= 0 and < FreshItems.MaxSlots
                    && !catalog.Index.ContainsKey(state.ItemId)
                )
                {
                    var categories = metadata
                        .Categories.Select(c => catalog.CategoryIndex.TryGetValue(c, out var g) ? g : -1)
                        .Where(g => g >= 0)
                        .Distinct()
                        .Order()
                        .ToArray();
                    fresh.Add(
                        new FreshItem(
                            state.ItemId,
                            metadata.Title,
                            categories,
                            metadata.Year,
                            metadata.Attributes,
                            state.Ordinal,
                            embeds && state.ServedAt(AsOf),
                            state
                        )
                    );
                }
            }

            var (vectors, width) =
                embedder is { CanEmbed: true } && fresh.Count > 0
                    ? (Vectors(bundle, fresh, embedder), embedder.Width)
                    : ([], 0);
            var freshItems = new FreshItems(catalog.Count, fresh, vectors, width);
            var hidden = new List<int>(HiddenIds.Count);
            catalog.Resolve(HiddenIds, hidden);
            hidden.AddRange(fresh.Where(f => !f.Served).Select(f => catalog.Count + (int)f.Ordinal));
            var hiddenItems =
                hidden.Count == 0 ? HiddenItems.None : new HiddenItems(catalog.Count + freshItems.Slots, hidden);
            return new ServedItems(catalog, freshItems, hiddenItems);
        }

        /// <summary>One row per slot: reused from the previous snapshot's resolution where unchanged, else embedded.</summary>
        private float[] Vectors(Bundle bundle, List<FreshItem> fresh, ItemEmbedder embedder)
        {
            var (width, baseCount) = (embedder.Width, bundle.Catalog.Count);
            var slots = (int)fresh.Max(f => f.Ordinal) + 1;
            var vectors = new float[slots * width];
            var before =
                _lent is { Embedded: true } lent && ReferenceEquals(lent.Bundle, bundle) ? lent.Items.Fresh : null;
            var missing = new List<FreshItem>();
            foreach (var item in fresh)
            {
                var index = baseCount + (int)item.Ordinal;
                if (before is not null && before.HasVectorFor(index, item.Source))
                {
                    before.VectorOf(index).CopyTo(vectors.AsSpan((int)item.Ordinal * width, width));
                }
                else
                {
                    missing.Add(item);
                }
            }

            var computed = embedder.Embed(missing);
            for (var i = 0; i < missing.Count; i++)
            {
                computed.AsSpan(i * width, width).CopyTo(vectors.AsSpan((int)missing[i].Ordinal * width, width));
            }

            return vectors;
        }

        private sealed record Resolved(Bundle Bundle, bool Embedded, ServedItems Items);
    }
}
