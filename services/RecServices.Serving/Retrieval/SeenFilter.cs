namespace RecServices.Serving.Retrieval;

/// <summary>
/// The one seen filter: the items a user watched or purchased (item indexes of the served catalog) are never proposed,
/// ranked or sent. Retrieval's sources and the embedding search skip them; the gateway filters retrieval's answer
/// with them (and with what an older part of the history adds); the popular fallback and the full-catalog reference
/// leave them out.
/// </summary>
public sealed class SeenFilter
{
    private readonly HashSet<int> _items;

    private SeenFilter(HashSet<int> items) => _items = items;

    /// <summary>The items of <paramref name="history"/>.</summary>
    public static SeenFilter Of(IEnumerable<int> history) => new([.. history]);

    /// <summary>The seen items, for a search that skips them itself.</summary>
    public IReadOnlySet<int> Items => _items;

    public int Count => _items.Count;

    /// <summary>Whether <paramref name="item"/> may be offered: the user has not seen it.</summary>
    public bool Allows(int item) => !_items.Contains(item);

    /// <summary>This filter and <paramref name="more"/> seen items (this one when they add nothing).</summary>
    public SeenFilter With(IEnumerable<int> more)
    {
        var all = new HashSet<int>(_items);
        all.UnionWith(more);
        return all.Count == _items.Count ? this : new SeenFilter(all);
    }

    /// <summary>
    /// Takes the seen items out of a score per catalog item (negative infinity: no top-k selection keeps them).
    /// </summary>
    public void Exclude(Span<float> scores)
    {
        foreach (var item in _items)
        {
            if ((uint)item < (uint)scores.Length)
            {
                scores[item] = float.NegativeInfinity;
            }
        }
    }
}
