namespace RecServices.Core.Data;

/// <summary>
/// Interactions stored column by column over dense user and item indices, so that ten million rows
/// cost about 21 bytes each and no object per row.
/// </summary>
public sealed class InteractionTable
{
    private int[] _users;
    private int[] _items;
    private float[] _ratings;
    private long[] _timestamps;
    private InteractionKind[] _kinds;

    public InteractionTable(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        capacity = Math.Max(capacity, 4);
        _users = new int[capacity];
        _items = new int[capacity];
        _ratings = new float[capacity];
        _timestamps = new long[capacity];
        _kinds = new InteractionKind[capacity];
    }

    /// <summary>Number of rows.</summary>
    public int Count { get; private set; }

    /// <summary>User index of each row.</summary>
    public ReadOnlySpan<int> Users => _users.AsSpan(0, Count);

    /// <summary>Item index of each row.</summary>
    public ReadOnlySpan<int> Items => _items.AsSpan(0, Count);

    /// <summary>
    /// Rating (stars) for <see cref="InteractionKind.Rated"/>, else the row's count: how many times it happened (plays,
    /// uses; 1 when the data does not say). See <see cref="Weight"/>.
    /// </summary>
    public ReadOnlySpan<float> Ratings => _ratings.AsSpan(0, Count);

    /// <summary>Unix time in seconds.</summary>
    public ReadOnlySpan<long> Timestamps => _timestamps.AsSpan(0, Count);

    /// <summary>Kind of each row.</summary>
    public ReadOnlySpan<InteractionKind> Kinds => _kinds.AsSpan(0, Count);

    /// <summary>
    /// What a row weighs in the top lists: 1 for a rating, 1 + ln(count) for the other kinds, so a thousand plays of
    /// one song by one user count about 8 rows, not a thousand.
    /// </summary>
    public float Weight(int row) =>
        _kinds[row] == InteractionKind.Rated ? 1f : 1f + MathF.Log(MathF.Max(1f, _ratings[row]));

    /// <summary>Appends a row.</summary>
    public void Add(int user, int item, float rating, long timestamp, InteractionKind kind)
    {
        if (Count == _users.Length)
        {
            Grow();
        }

        _users[Count] = user;
        _items[Count] = item;
        _ratings[Count] = rating;
        _timestamps[Count] = timestamp;
        _kinds[Count] = kind;
        Count++;
    }

    /// <summary>Appends row <paramref name="row"/> of <paramref name="source"/>.</summary>
    public void AddRow(InteractionTable source, int row) =>
        Add(source._users[row], source._items[row], source._ratings[row], source._timestamps[row], source._kinds[row]);

    /// <summary>A new table holding the rows whose index <paramref name="keep"/> accepts, in order.</summary>
    public InteractionTable Where(Func<int, bool> keep)
    {
        var result = new InteractionTable(Count);
        for (var row = 0; row < Count; row++)
        {
            if (keep(row))
            {
                result.AddRow(this, row);
            }
        }

        return result;
    }

    /// <summary>
    /// Row indices grouped by user: <c>rows[offsets[u]..offsets[u + 1]]</c> are user u's rows sorted by
    /// timestamp (oldest first, ties by row order).
    /// </summary>
    public (int[] Offsets, int[] Rows) GroupByUser(int userCount)
    {
        var offsets = new int[userCount + 1];
        foreach (var u in Users)
        {
            offsets[u + 1]++;
        }

        for (var u = 0; u < userCount; u++)
        {
            offsets[u + 1] += offsets[u];
        }

        var rows = new int[Count];
        var next = (int[])offsets.Clone();
        for (var row = 0; row < Count; row++)
        {
            rows[next[_users[row]]++] = row;
        }

        var timestamps = _timestamps;
        for (var u = 0; u < userCount; u++)
        {
            var span = rows.AsSpan(offsets[u], offsets[u + 1] - offsets[u]);
            if (span.Length > 1)
            {
                span.Sort(
                    (a, b) => timestamps[a] != timestamps[b] ? timestamps[a].CompareTo(timestamps[b]) : a.CompareTo(b)
                );
            }
        }

        return (offsets, rows);
    }

    private void Grow()
    {
        var size = checked(_users.Length * 2);
        Array.Resize(ref _users, size);
        Array.Resize(ref _items, size);
        Array.Resize(ref _ratings, size);
        Array.Resize(ref _timestamps, size);
        Array.Resize(ref _kinds, size);
    }
}
