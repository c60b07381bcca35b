namespace RecServices.Core.Data;

/// <summary>
/// Adds recorded interactions to a base dataset for training: new users are added with no profile, interactions
/// with items outside the base catalog are counted and skipped (a catalog only grows through the dataset).
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

        var (added, skipped) = (0, 0);
        var unknownItems = new HashSet<string>(StringComparer.Ordinal);
        foreach (var interaction in recorded)
        {
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

            var rating = interaction.Kind == InteractionKind.Rated ? interaction.Rating ?? 1f : 1f;
            rows.Add(user, item, rating, interaction.OccurredAt, interaction.Kind);
            added++;
        }

        var merged = new Dataset($"{data.Name}+recorded({added})", data.Categories, data.Items, users, rows)
        {
            ItemAttributes = data.ItemAttributes,
        };
        return (merged, new RecordedMerge(added, users.Count - data.Users.Count, skipped, unknownItems.Count));
    }
}
