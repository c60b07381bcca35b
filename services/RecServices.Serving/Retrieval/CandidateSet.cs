using RecServices.Contracts.Gateway.V1;

namespace RecServices.Serving.Retrieval;

/// <summary>
/// Merged, deduplicated candidates in retrieval order, each with every source that proposed it. Stored
/// flat: one list of items, one list of hits chained per item (first, last, next), one item-to-slot map:
/// a few arrays per request rather than a list per candidate.
/// </summary>
public sealed class CandidateSet
{
    private static readonly int KindSlots = (int)Enum.GetValues<SourceKind>().Max() + 1;
    private readonly List<int> _items;
    private readonly Dictionary<int, int> _slots;
    private readonly List<int> _first;
    private readonly List<int> _last;
    private readonly List<SourceHit> _hits;
    private readonly List<int> _next;
    private readonly int[] _hitsByKind = new int[KindSlots];

    public CandidateSet(int expectedCandidates = 64)
    {
        _items = new(expectedCandidates);
        _slots = new(expectedCandidates);
        _first = new(expectedCandidates);
        _last = new(expectedCandidates);
        _hits = new(expectedCandidates * 2);
        _next = new(expectedCandidates * 2);
    }

    public int Count => _items.Count;

    /// <summary>Item indices in retrieval order (first proposal first).</summary>
    public IReadOnlyList<int> Items => _items;

    /// <summary><see cref="Items"/> as a span, valid until the set changes.</summary>
    public ReadOnlySpan<int> ItemSpan => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_items);

    /// <summary>Every source that proposed <paramref name="item"/>, in the order they proposed it.</summary>
    public Sources SourcesOf(int item) => new(this, _first[_slots[item]]);

    /// <summary>
    /// The sources of the candidate at <paramref name="position"/> in <see cref="Items"/> (no lookup by item).
    /// </summary>
    public Sources SourcesAt(int position) => new(this, _first[position]);

    /// <summary>How many proposals the candidates hold in all (each candidate's sources summed).</summary>
    public int HitCount => _hits.Count;

    public bool Contains(int item) => _slots.ContainsKey(item);

    /// <summary>
    /// How many proposals <paramref name="kind"/> made, counting those of items other sources proposed too.
    /// </summary>
    public int ProposalsFrom(SourceKind kind) => _hitsByKind[(int)kind];

    /// <summary>
    /// Adds a proposal; a new item is appended unless the set is full. Returns true when the item is new.
    /// </summary>
    internal bool Add(int item, SourceHit hit, int capacity)
    {
        if (_slots.TryGetValue(item, out var slot))
        {
            var added = Append(hit);
            _next[_last[slot]] = added;
            _last[slot] = added;
            return false;
        }

        if (_items.Count >= capacity)
        {
            return false;
        }

        var first = Append(hit);
        _slots[item] = _items.Count;
        _items.Add(item);
        _first.Add(first);
        _last.Add(first);
        return true;
    }

    private int Append(SourceHit hit)
    {
        _hitsByKind[(int)hit.Kind]++;
        _hits.Add(hit);
        _next.Add(-1);
        return _hits.Count - 1;
    }

    /// <summary>One candidate's sources: enumerable without allocating, and countable.</summary>
    public readonly struct Sources(CandidateSet set, int first) : IEnumerable<SourceHit>
    {
        public int Count
        {
            get
            {
                var n = 0;
                for (var h = first; h >= 0; h = set._next[h])
                {
                    n++;
                }

                return n;
            }
        }

        public Enumerator GetEnumerator() => new(set, first);

        IEnumerator<SourceHit> IEnumerable<SourceHit>.GetEnumerator() => GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Walks one candidate's chain of hits.</summary>
    public struct Enumerator(CandidateSet set, int first) : IEnumerator<SourceHit>
    {
        private int _current = -1;
        private bool _started;

        public readonly SourceHit Current => set._hits[_current];

        readonly object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_started && _current < 0)
            {
                return false;
            }

            _current = _started ? set._next[_current] : first;
            _started = true;
            return _current >= 0;
        }

        public void Reset() => (_current, _started) = (-1, false);

        public readonly void Dispose() { }
    }
}
