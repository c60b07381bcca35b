namespace RecServices.Serving.Retrieval;

/// <summary>Merged, deduplicated candidates in retrieval order, each with every source that proposed it.</summary>
public sealed class CandidateSet
{
    private readonly List<int> _items = [];
    private readonly Dictionary<int, List<SourceHit>> _sources = [];

    public int Count => _items.Count;

    /// <summary>Item indices in retrieval order (first proposal first).</summary>
    public IReadOnlyList<int> Items => _items;

    public IReadOnlyList<SourceHit> SourcesOf(int item) => _sources[item];

    public bool Contains(int item) => _sources.ContainsKey(item);

    /// <summary>Adds a proposal; a new item is appended unless the set is full. Returns true when the item is new.</summary>
    internal bool Add(int item, SourceHit hit, int capacity)
    {
        if (_sources.TryGetValue(item, out var hits))
        {
            hits.Add(hit);
            return false;
        }

        if (_items.Count >= capacity)
        {
            return false;
        }

        _items.Add(item);
        _sources[item] = [hit];
        return true;
    }
}
