namespace RecServices.Datasets;

/// <summary>Ids to dense indices, looked up by span so that reading a row allocates nothing for a known id.</summary>
internal sealed class IdMap
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public IdMap()
    {
        _lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _index.Count;

    public bool TryGet(ReadOnlySpan<char> id, out int index) => _lookup.TryGetValue(id, out index);

    /// <summary>Adds an id not yet present; returns its index.</summary>
    public int Add(string id)
    {
        var index = _index.Count;
        _index.Add(id, index);
        return index;
    }
}
