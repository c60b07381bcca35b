using RecServices.Core.Data;

namespace RecServices.Datasets;

/// <summary>
/// What reading a dataset found, for a person about to train on it (<c>recs data check</c>): rows per table, users,
/// items, categories, countries, interactions per kind, the time span, items without metadata and interactions whose
/// item the items table lacks.
/// </summary>
public sealed class DatasetReport
{
    public List<TableReport> Tables { get; } = [];

    /// <summary>Users listed in the users table.</summary>
    public int ListedUsers { get; set; }

    /// <summary>Users found only in the interactions (no profile).</summary>
    public int UsersWithoutProfile { get; set; }

    /// <summary>Items listed in the items table.</summary>
    public int ListedItems { get; set; }

    /// <summary>Items found only in the interactions, kept without metadata.</summary>
    public int ItemsWithoutMetadata { get; set; }

    /// <summary>Interaction rows whose item is not in the items table (0 without an items table).</summary>
    public long InteractionsWithUnknownItems { get; set; }

    /// <summary>Whether the interactions had a timestamp column (without one, file order is time order).</summary>
    public bool HasTimestamps { get; set; }

    /// <summary>Rows that carried a count.</summary>
    public long CountedRows { get; set; }

    /// <summary>The sum of the counts (rows without one count 1).</summary>
    public double CountSum { get; set; }

    /// <summary>Gender values other than M/F (male/female) read as unknown.</summary>
    public int UnknownGenders { get; set; }

    /// <summary>The report's lines for <paramref name="dataset"/>.</summary>
    public IEnumerable<string> Lines(Dataset dataset)
    {
        foreach (var table in Tables)
        {
            var files =
                table.Files.Count == 1 ? Path.GetFileName(table.Files[0]) : Inv($"{table.Files.Count} part files");
            yield return Inv($"{table.Name}: {table.Rows:N0} rows ({table.Format}, {files})");
            yield return "  columns read: " + string.Join(", ", table.Columns);
            if (table.Ignored.Count > 0)
            {
                yield return "  columns ignored: " + string.Join(", ", table.Ignored);
            }
        }

        yield return UsersLine(dataset.Users);
        yield return ItemsLine(dataset);
        var names =
            string.Join(", ", dataset.Categories.Take(12)) + (dataset.Categories.Count > 12 ? ", …" : string.Empty);
        yield return Inv($"categories: {dataset.Categories.Count:N0}")
            + (names.Length > 0 ? $" ({names})" : string.Empty);
        foreach (var attribute in dataset.ItemAttributes)
        {
            yield return attribute.IsNumeric
                ? Inv(
                    $"item feature {attribute.Name}: numeric, {attribute.Numbers.Count(float.IsFinite):N0} items with a value"
                )
                : Inv($"item feature {attribute.Name}: categorical, {attribute.Values.Length:N0} distinct values, ")
                    + Inv($"{attribute.Codes.Count(code => code >= 0):N0} items with a value");
        }

        yield return InteractionsLine(dataset.Interactions);
        yield return TimeSpanLine(dataset.Interactions);
        yield return Inv($"interactions with an item not in the items table: {InteractionsWithUnknownItems:N0}")
            + (InteractionsWithUnknownItems > 0 ? " (kept; --strict refuses them)" : string.Empty);
    }

    private string UsersLine(IReadOnlyList<User> users)
    {
        var countries = users.Where(u => u.Country is not null).Select(u => u.Country!).Distinct().Count();
        var withCountry = users.Count(u => u.Country is not null);
        var ages = users.Count(u => u.Age is not null);
        var genders = users.Count(u => u.Gender is not null);
        return Inv($"users: {users.Count:N0} ({ListedUsers:N0} in the users table, {UsersWithoutProfile:N0} only in ")
            + Inv($"the interactions); countries: {countries:N0} ({withCountry:N0} users with one); ages given: ")
            + Inv($"{ages:N0}; genders given: {genders:N0}")
            + (
                UnknownGenders > 0 ? Inv($" ({UnknownGenders:N0} values other than M/F read as unknown)") : string.Empty
            );
    }

    private string ItemsLine(Dataset dataset)
    {
        var seen = new bool[dataset.Items.Count];
        foreach (var item in dataset.Interactions.Items)
        {
            seen[item] = true;
        }

        var never = seen.Count(s => !s);
        var uncategorised = dataset.Items.Count(i => i.Categories.Length == 0);
        return Inv($"items: {dataset.Items.Count:N0} ({ListedItems:N0} in the items table, {ItemsWithoutMetadata:N0} ")
            + Inv($"without metadata: only in the interactions); never interacted with: {never:N0}; without a ")
            + Inv($"category: {uncategorised:N0}");
    }

    private string InteractionsLine(InteractionTable t)
    {
        var kinds = new List<string>();
        foreach (var kind in Enum.GetValues<InteractionKind>())
        {
            var rows = t.Kinds.Count(kind);
            if (rows > 0)
            {
                kinds.Add(Inv($"{kind.ToString().ToLowerInvariant()} {rows:N0}"));
            }
        }

        return Inv($"interactions: {t.Count:N0}; by kind: {string.Join(", ", kinds)}")
            + (CountedRows > 0 ? Inv($"; {CountedRows:N0} rows with a count, {CountSum:N0} in all") : string.Empty);
    }

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);

    private string TimeSpanLine(InteractionTable t)
    {
        if (!HasTimestamps)
        {
            return "time span: no timestamp column (the order of the files and their rows is the time order)";
        }

        if (t.Count == 0)
        {
            return "time span: no interactions";
        }

        var (min, max) = (long.MaxValue, long.MinValue);
        foreach (var time in t.Timestamps)
        {
            (min, max) = (Math.Min(min, time), Math.Max(max, time));
        }

        var from = DateTimeOffset.FromUnixTimeSeconds(min);
        var to = DateTimeOffset.FromUnixTimeSeconds(max);
        return Inv(
            $"time span: {from:yyyy-MM-dd HH:mm:ss} to {to:yyyy-MM-dd HH:mm:ss} UTC ({(to - from).TotalDays:N1} days)"
        );
    }
}
