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
    private string _last = string.Empty;
    private int _lastIndex = -1;

    public int Count => _index.Count;

    public void EnsureCapacity(int capacity) => _index.EnsureCapacity(capacity);

    public bool TryGet(ReadOnlySpan<char> id, out int index)
    {
        if (_lastIndex >= 0 && id.SequenceEqual(_last))
        {
            index = _lastIndex;
            return true;
        }

        if (_index.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out var found, out index))
        {
            (_last, _lastIndex) = (found, index);
            return true;
        }

        return false;
    }

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
        (_last, _lastIndex) = (id, index);
        return index;
    }
}
