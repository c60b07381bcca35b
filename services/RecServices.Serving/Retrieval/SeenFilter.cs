namespace RecServices.Serving.Retrieval;

/// <summary>
/// The one seen filter: the items a user watched or purchased (item indexes of the served catalog) are never proposed,
/// ranked or sent. Retrieval's sources and the embedding search skip them; the gateway filters retrieval's answer
/// with them (and with what an older part of the history adds); the popular fallback and the full-catalog reference
/// leave them out. Items the live catalog hides (<see cref="HiddenItems"/>) are filtered with them wherever the filter
/// is applied.
/// </summary>
public sealed class SeenFilter
{
    private readonly HashSet<int> _items;
    private readonly HiddenItems _hidden;

    private SeenFilter(HashSet<int> items, HiddenItems hidden) => (_items, _hidden) = (items, hidden);

    /// <summary>The items of <paramref name="history"/>.</summary>
    public static SeenFilter Of(IEnumerable<int> history) => new([.. history], HiddenItems.None);

    /// <summary>The seen items, for a search that skips them itself (the hidden ones are <see cref="Hidden"/>).</summary>
    public IReadOnlySet<int> Items => _items;

    /// <summary>The items hidden from every user.</summary>
    public HiddenItems Hidden => _hidden;

    public int Count => _items.Count;

    /// <summary>Whether <paramref name="item"/> may be offered: the user has not seen it and it is not hidden.</summary>
    public bool Allows(int item) => !_items.Contains(item) && !_hidden.Contains(item);

    /// <summary>This filter, also keeping out <paramref name="hidden"/> (this one when nothing is hidden).</summary>
    public SeenFilter Hiding(HiddenItems hidden) => hidden.Count == 0 ? this : new SeenFilter(_items, hidden);

    /// <summary>This filter and <paramref name="more"/> seen items (this one when they add nothing).</summary>
    public SeenFilter With(IEnumerable<int> more)
    {
        var all = new HashSet<int>(_items);
        all.UnionWith(more);
        return all.Count == _items.Count ? this : new SeenFilter(all, _hidden);
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

        if (_hidden.Count > 0)
        {
            for (var item = 0; item < scores.Length; item++)
            {
                if (_hidden.Contains(item))
                {
                    scores[item] = float.NegativeInfinity;
                }
            }
        }
    }
}
