namespace RecServices.Core.Data;

/// <summary>
/// Each user's distinct items in time order (oldest first; a re-interaction moves the item to its latest
/// time), as flat arrays: <c>Of(u)</c> is a slice, no per-user objects.
/// </summary>
public sealed class UserHistories
{
    private readonly int[] _offsets;
    private readonly int[] _items;

    private UserHistories(int[] offsets, int[] items)
    {
        _offsets = offsets;
        _items = items;
    }

    public int UserCount => _offsets.Length - 1;

    public ReadOnlySpan<int> Of(int user) => _items.AsSpan(_offsets[user], _offsets[user + 1] - _offsets[user]);

    /// <summary>
    /// The distinct items of one user's interactions given in time order, in time order, an item that
    /// recurs standing at its latest position. The user store uses the same rule.
    /// </summary>
    public static List<int> DistinctLatest(IReadOnlyList<int> itemsInTimeOrder)
    {
        var last = new Dictionary<int, int>(itemsInTimeOrder.Count);
        for (var i = 0; i < itemsInTimeOrder.Count; i++)
        {
            last[itemsInTimeOrder[i]] = i;
        }

        var result = new List<int>(last.Count);
        for (var i = 0; i < itemsInTimeOrder.Count; i++)
        {
            if (last[itemsInTimeOrder[i]] == i)
            {
                result.Add(itemsInTimeOrder[i]);
            }
        }

        return result;
    }

    public static UserHistories Build(InteractionTable rows, int userCount)
    {
        var (offsets, order) = rows.GroupByUser(userCount);
        var items = new List<int>(rows.Count);
        var result = new int[userCount + 1];
        var buffer = new List<int>();
        for (var u = 0; u < userCount; u++)
        {
            buffer.Clear();
            for (var k = offsets[u]; k < offsets[u + 1]; k++)
            {
                buffer.Add(rows.Items[order[k]]);
            }

            items.AddRange(DistinctLatest(buffer));
            result[u + 1] = items.Count;
        }

        return new UserHistories(result, [.. items]);
    }
}
