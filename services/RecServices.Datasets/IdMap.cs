namespace RecServices.Datasets;

/// <summary>
/// Ids to dense indices, looked up by span so that reading a row allocates nothing for a known id. The last id
/// looked up is remembered: exports sorted by user (the common case) then cost one comparison per row, not a
/// look-up in a table of millions.
/// </summary>
internal sealed class IdMap(int capacity = 0)
{
    // The default comparer (no StringComparer given) hashes strings without randomisation until collisions call
    // for it, and answers span look-ups: about twice as fast as StringComparer.Ordinal here.
    private readonly Dictionary<string, int> _index = new(capacity);
    private Func<ReadOnlySpan<char>, int>? _ownFind;

    public int Count => _index.Count;

    public void EnsureCapacity(int capacity) => _index.EnsureCapacity(capacity);

    /// <summary>Looks an id up through this map's own <see cref="Resolver"/> (on the thread that adds ids).</summary>
    public bool TryGet(ReadOnlySpan<char> id, out int index) => (index = (_ownFind ??= Resolver())(id)) >= 0;

    /// <summary>
    /// A look-up of this map for a column of ids (<see cref="TableCursor.Resolve"/>): the index, or -1. It remembers
    /// the last id it found, for itself alone: it may run on another thread than the other users of the map, as long
    /// as nothing is added meanwhile.
    /// </summary>
    public Func<ReadOnlySpan<char>, int> Resolver()
    {
        var lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
        var (last, lastIndex) = (string.Empty, -1);
        return id =>
        {
            if (lastIndex >= 0 && id.SequenceEqual(last))
            {
                return lastIndex;
            }

            if (!lookup.TryGetValue(id, out var found, out var index))
            {
                return -1;
            }

            (last, lastIndex) = (found, index);
            return index;
        };
    }

    /// <summary>Adds an id not yet present; returns its index.</summary>
    public int Add(string id)
    {
        var index = _index.Count;
        _index.Add(id, index);
        return index;
    }
}
