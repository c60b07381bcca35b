namespace RecServices.Core.Data;

/// <summary>
/// Leaves erased users out of a dataset before training: every row of theirs up to their erasure goes, and so does
/// the user unless they came back after it (interacted again, as a new user of the same id), in which case they stay
/// with those later rows and no profile.
/// </summary>
public static class Erasures
{
    /// <summary>
    /// <paramref name="data"/> without what <paramref name="erasures"/> erased, and how many users and rows went.
    /// </summary>
    public static (Dataset Dataset, int UsersRemoved, int RowsRemoved) Apply(
        Dataset data,
        IReadOnlyCollection<Erasure> erasures
    )
    {
        if (erasures.Count == 0)
        {
            return (data, 0, 0);
        }

        var erasedAt = new long?[data.Users.Count];
        foreach (var erasure in erasures)
        {
            if (data.UserIndex.TryGetValue(erasure.UserId, out var user))
            {
                erasedAt[user] = Math.Max(erasedAt[user] ?? long.MinValue, erasure.ErasedAt);
            }
        }

        var rows = data.Interactions;
        var users = rows.Users;
        var timestamps = rows.Timestamps;
        var keepRow = new bool[rows.Count];
        var rowsLeft = new int[data.Users.Count];
        for (var row = 0; row < rows.Count; row++)
        {
            var user = users[row];
            keepRow[row] = erasedAt[user] is not { } at || timestamps[row] > at;
            rowsLeft[user] += keepRow[row] ? 1 : 0;
        }

        // erased users without a later row go; the others keep their index order
        var newIndex = new int[data.Users.Count];
        var kept = new List<User>(data.Users.Count);
        for (var user = 0; user < data.Users.Count; user++)
        {
            newIndex[user] = -1;
            if (erasedAt[user] is null)
            {
                newIndex[user] = kept.Count;
                kept.Add(data.Users[user]);
            }
            else if (rowsLeft[user] > 0)
            {
                newIndex[user] = kept.Count;
                kept.Add(new User(data.Users[user].Id, Country: null)); // the erased profile stays erased
            }
        }

        var table = new InteractionTable(rows.Count);
        var removed = 0;
        for (var row = 0; row < rows.Count; row++)
        {
            if (!keepRow[row])
            {
                removed++;
                continue;
            }

            table.Add(newIndex[users[row]], rows.Items[row], rows.Ratings[row], timestamps[row], rows.Kinds[row]);
        }

        var result = new Dataset(data.Name, data.Categories, data.Items, kept, table)
        {
            ItemAttributes = data.ItemAttributes,
        };
        return (result, data.Users.Count - kept.Count, removed);
    }
}
