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

    public static UserHistories Build(InteractionTable rows, int userCount)
    {
        var (offsets, order) = rows.GroupByUser(userCount);
        var items = new List<int>(rows.Count);
        var result = new int[userCount + 1];
        var seen = new Dictionary<int, int>();
        var buffer = new List<int>();
        for (var u = 0; u < userCount; u++)
        {
            seen.Clear();
            buffer.Clear();
            for (var k = offsets[u]; k < offsets[u + 1]; k++)
            {
                var item = rows.Items[order[k]];
                if (seen.TryGetValue(item, out var at))
                {
                    buffer[at] = -1;
                }

                seen[item] = buffer.Count;
                buffer.Add(item);
            }

            foreach (var item in buffer)
            {
                if (item >= 0)
                {
                    items.Add(item);
                }
            }

            result[u + 1] = items.Count;
        }

        return new UserHistories(result, [.. items]);
    }
}
