using System.Collections.Frozen;

namespace RecServices.Serving.Retrieval;

/// <summary>
/// One item added through the catalog service that the served bundle does not hold, as serving reads it.
/// </summary>
/// <param name="Id">Its id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Categories">Its categories as indices into the bundle's (names the bundle lacks are left out).</param>
/// <param name="Year">Its year, or null.</param>
/// <param name="Attributes">Its attributes by column name.</param>
/// <param name="Ordinal">Its ordinal in the store: its item index is the catalog's count plus it.</param>
/// <param name="Served">Whether answers may include it now (available, not deleted, inside its window, and the
/// bundle's item tower can embed it).</param>
/// <param name="Source">What it was built from (reference-compared to reuse its vector while unchanged).</param>
public sealed record FreshItem(
    string Id,
    string Title,
    int[] Categories,
    int? Year,
    IReadOnlyDictionary<string, string> Attributes,
    long Ordinal,
    bool Served,
    object Source
);

/// <summary>
/// The items of one served bundle's catalog plus the ones the catalog service added (<see cref="FreshItem"/>): item
/// <c>i</c> below <see cref="BaseCount"/> is the bundle's, item <see cref="BaseCount"/> + ordinal a fresh one. The
/// numbering is the same in every process that serves the bundle (the ordinal comes from the store), so the internal
/// contracts carry fresh items as indexes like any other; an index of a fresh item a process has not read yet
/// resolves to nothing. Immutable; one per bundle and live-catalog version.
/// </summary>
public sealed class FreshItems
{
    /// <summary>The most fresh items one bundle's numbering holds (ordinals at or above it are not served).</summary>
    public const int MaxSlots = 1 << 24;

    private readonly FreshItem?[] _slots;
    private readonly FrozenDictionary<string, int> _index;
    private readonly float[] _vectors;

    /// <param name="baseCount">The bundle catalog's item count.</param>
    /// <param name="items">The fresh items (ordinals below <see cref="MaxSlots"/>).</param>
    /// <param name="vectors">Their V_m, one row of <paramref name="width"/> per slot (ordinal), or empty when this
    /// process does not rank.</param>
    /// <param name="width">The width of V_m.</param>
    public FreshItems(int baseCount, IReadOnlyList<FreshItem> items, float[] vectors, int width)
    {
        BaseCount = baseCount;
        var slots = items.Count == 0 ? 0 : (int)items.Max(i => i.Ordinal) + 1;
        _slots = new FreshItem?[slots];
        var index = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        var byCategory = new Dictionary<int, List<int>>();
        foreach (var item in items)
        {
            _slots[item.Ordinal] = item;
            index[item.Id] = baseCount + (int)item.Ordinal;
        }

        var newest = new List<int>();
        for (var slot = slots - 1; slot >= 0; slot--)
        {
            if (_slots[slot] is { Served: true } item)
            {
                newest.Add(baseCount + slot);
                foreach (var g in item.Categories)
                {
                    (byCategory.TryGetValue(g, out var list) ? list : byCategory[g] = []).Add(baseCount + slot);
                }
            }
        }

        _index = index.ToFrozenDictionary(StringComparer.Ordinal);
        Newest = newest;
        NewestByCategory = byCategory.ToFrozenDictionary(p => p.Key, p => (IReadOnlyList<int>)p.Value);
        (_vectors, Width) = (vectors, width);
    }

    /// <summary>No fresh items over a catalog of <paramref name="baseCount"/>.</summary>
    public static FreshItems None(int baseCount) => new(baseCount, [], [], 0);

    /// <summary>The bundle catalog's item count: the first fresh item index.</summary>
    public int BaseCount { get; }

    /// <summary>Slots (the highest ordinal plus one): fresh indices run from <see cref="BaseCount"/> below <see cref="BaseCount"/> + Slots.</summary>
    public int Slots => _slots.Length;

    /// <summary>How many fresh items there are.</summary>
    public int Count => _index.Count;

    /// <summary>The width of the vectors (0 without them).</summary>
    public int Width { get; }

    /// <summary>Whether this process holds their V_m (ranking does).</summary>
    public bool HasVectors => _vectors.Length > 0;

    /// <summary>The served fresh items, newest (highest ordinal) first.</summary>
    public IReadOnlyList<int> Newest { get; }

    /// <summary>The served fresh items of each category (by index), newest first.</summary>
    public FrozenDictionary<int, IReadOnlyList<int>> NewestByCategory { get; }

    /// <summary>The fresh item with id <paramref name="id"/>'s index.</summary>
    public bool TryIndex(string id, out int index) => _index.TryGetValue(id, out index);

    /// <summary>The fresh item at <paramref name="index"/>, or null (not fresh, or not read here yet).</summary>
    public FreshItem? At(int index) =>
        index >= BaseCount && index - BaseCount < _slots.Length ? _slots[index - BaseCount] : null;

    /// <summary>V_m of the fresh item at <paramref name="index"/> (held: <see cref="HasVectors"/>).</summary>
    public ReadOnlySpan<float> VectorOf(int index) => _vectors.AsSpan((index - BaseCount) * Width, Width);

    /// <summary>
    /// Whether the item in <paramref name="index"/>'s slot is <paramref name="source"/> with a vector held: its row can
    /// be reused by the next version.
    /// </summary>
    public bool HasVectorFor(int index, object source) =>
        HasVectors && At(index) is { } item && ReferenceEquals(item.Source, source);
}
