namespace RecServices.Core.Data;

/// <summary>
/// Adds recorded interactions to a base dataset for training: new users are added with no profile, interactions
/// with items outside the base catalog are counted and skipped (a catalog only grows through the dataset), and a
/// user's repeated events on one item collapse to one row (the newest).
/// </summary>
public static class RecordedInteractions
{
    public static (Dataset Dataset, RecordedMerge Merge) AppendTo(
        Dataset data,
        IEnumerable<RecordedInteraction> recorded
    )
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var users = new List<User>(data.Users);
        var userIndex = new Dictionary<string, int>(data.UserIndex, StringComparer.Ordinal);
        var rows = new InteractionTable(data.Interactions.Count + 1024);
        for (var row = 0; row < data.Interactions.Count; row++)
        {
            rows.AddRow(data.Interactions, row);
        }

        var (read, skipped) = (0, 0);
        var unknownItems = new HashSet<string>(StringComparer.Ordinal);

        // One row per (user, item): the newest event (a later rating replaces an earlier one), so that an account
        // recording one item thousands of times weighs as one user who interacted with it.
        var newest = new Dictionary<(int User, int Item), RecordedInteraction>();
        foreach (var interaction in recorded)
        {
            read++;
            if (!data.ItemIndex.TryGetValue(interaction.ItemId, out var item))
            {
                skipped++;
                unknownItems.Add(interaction.ItemId);
                continue;
            }

            if (!userIndex.TryGetValue(interaction.UserId, out var user))
            {
                user = users.Count;
                users.Add(new User(interaction.UserId, Country: null));
                userIndex.Add(interaction.UserId, user);
            }

            if (!newest.TryGetValue((user, item), out var kept) || interaction.OccurredAt >= kept.OccurredAt)
            {
                newest[(user, item)] = interaction;
            }
        }

        foreach (var ((user, item), interaction) in newest.OrderBy(p => p.Value.OccurredAt).ThenBy(p => p.Key))
        {
            var rating = interaction.Kind == InteractionKind.Rated ? interaction.Rating ?? 1f : 1f;
            rows.Add(user, item, rating, interaction.OccurredAt, interaction.Kind);
        }

        var added = newest.Count;

        var merged = new Dataset($"{data.Name}+recorded({added})", data.Categories, data.Items, users, rows)
        {
            ItemAttributes = data.ItemAttributes,
        };
        return (
            merged,
            new RecordedMerge(
                added,
                users.Count - data.Users.Count,
                skipped,
                unknownItems.Count,
                read - skipped - added
            )
        );
    }
}
