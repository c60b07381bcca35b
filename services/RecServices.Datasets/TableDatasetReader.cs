using RecServices.Core.Data;

namespace RecServices.Datasets;

/// <summary>
/// Reads a dataset in the table format (docs/data.md): the items table first (ids, titles, categories, years and
/// the other columns as item features), then the users table, then the interactions, streamed row by row into the
/// columnar <see cref="InteractionTable"/>. Nothing is kept per row but its columns; a bad value anywhere is a
/// <see cref="DatasetFormatException"/> naming the file, the row and the column, and nothing is returned.
/// </summary>
internal sealed partial class TableDatasetReader
{
    private readonly string _folder;
    private readonly bool _strict;
    private readonly DatasetReport _report = new();
    private readonly List<Item> _items = [];
    private readonly IdMap _itemIds = new();
    private readonly List<string> _categories = [];
    private readonly Dictionary<string, int> _categoryIndex = new(StringComparer.Ordinal);
    private readonly List<User> _users = [];
    private readonly IdMap _userIds = new();
    private readonly Dictionary<string, string> _countries = new(StringComparer.Ordinal);
    private List<AttributeColumn> _attributes = [];
    private string? _itemsFile;

    private TableDatasetReader(string folder, bool strict)
    {
        _folder = folder;
        _strict = strict;
    }

    /// <summary>
    /// Reads the dataset in <paramref name="folder"/>. With <paramref name="strict"/>, an interaction whose item the
    /// items table lacks is an error; without, the item is kept without metadata and counted in the report.
    /// </summary>
    public static async Task<(Dataset Dataset, DatasetReport Report)> ReadAsync(
        string folder,
        bool strict,
        CancellationToken cancellationToken
    )
    {
        var reader = new TableDatasetReader(folder, strict);
        return await reader.ReadAsync(cancellationToken);
    }

    private async Task<(Dataset, DatasetReport)> ReadAsync(CancellationToken cancellationToken)
    {
        var interactions =
            TableFiles.Find(_folder, TableFormat.Interactions)
            ?? throw new DatasetFormatException(
                _folder,
                0,
                "no interactions table: expected interactions.parquet, interactions.csv, interactions.csv.gz or a "
                    + "folder interactions/ of part files (docs/data.md)"
            );
        if (TableFiles.Find(_folder, TableFormat.Items) is { } items)
        {
            await ItemsTable.ReadAsync(this, items, cancellationToken);
        }
        else if (_strict)
        {
            throw new DatasetFormatException(_folder, 0, "--strict needs an items table to check the items against");
        }

        if (TableFiles.Find(_folder, TableFormat.Users) is { } users)
        {
            await UsersTable.ReadAsync(this, users, cancellationToken);
        }

        var table = await InteractionsTable.ReadAsync(this, interactions, cancellationToken);
        _report.UsersWithoutProfile = _users.Count - _report.ListedUsers;
        _report.ItemsWithoutMetadata = _items.Count - _report.ListedItems;
        var dataset = Assemble(table);
        return (dataset, _report);
    }

    private Dataset Assemble(InteractionTable table)
    {
        var (categories, items) = CategoryOrder.Sort(_categories, _items);
        return new Dataset(Path.GetFileName(Path.GetFullPath(_folder).TrimEnd('/')), categories, items, _users, table)
        {
            ItemAttributes = _attributes.Select(a => a.Build(items.Length)).ToList(),
        };
    }

    /// <summary>Required column's index, or an error naming the columns the file has.</summary>
    private static int Required(TableCursor cursor, string name)
    {
        var index = cursor.IndexOf(name);
        return index >= 0
            ? index
            : throw cursor.FileError(
                $"no '{name}' column (the columns are: {string.Join(", ", cursor.Columns.Select(c => c.Name))})"
            );
    }

    /// <summary>A row's id: trimmed, not empty.</summary>
    private static ReadOnlySpan<char> Id(TableCursor cursor, int column)
    {
        var id = cursor.IsNull(column) ? [] : cursor.Text(column).Trim();
        return id.IsEmpty ? throw cursor.Error(column, "empty id: every row needs one") : id;
    }

    private static string Format(TableFiles files) => files.IsParquet ? "Parquet" : "CSV";

    private int[] CategoryIndices(List<string> names)
    {
        if (names.Count == 0)
        {
            return [];
        }

        var indices = new SortedSet<int>();
        foreach (var name in names)
        {
            if (!_categoryIndex.TryGetValue(name, out var index))
            {
                _categoryIndex[name] = index = _categories.Count;
                _categories.Add(name);
            }

            indices.Add(index);
        }

        return [.. indices];
    }

    private string Country(ReadOnlySpan<char> code)
    {
        var lookup = _countries.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(code, out var country))
        {
            country = code.ToString();
            _countries[country] = country;
        }

        return country;
    }

    private string? Gender(TableCursor cursor, int column)
    {
        if (cursor.IsNull(column))
        {
            return null;
        }

        var value = cursor.Text(column).Trim();
        if (
            value.Equals("M", StringComparison.OrdinalIgnoreCase)
            || value.Equals("male", StringComparison.OrdinalIgnoreCase)
        )
        {
            return "M";
        }

        if (
            value.Equals("F", StringComparison.OrdinalIgnoreCase)
            || value.Equals("female", StringComparison.OrdinalIgnoreCase)
        )
        {
            return "F";
        }

        _report.UnknownGenders++;
        return null;
    }
}
