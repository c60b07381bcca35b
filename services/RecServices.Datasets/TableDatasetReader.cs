using RecServices.Core.Data;

namespace RecServices.Datasets;

/// <summary>
/// Reads a dataset in the table format (docs/data.md): the items table first (ids, titles, categories, years and
/// the other columns as item features), then the users table, then the interactions, streamed row by row into the
/// columnar <see cref="InteractionTable"/>. Nothing is kept per row but its columns; a bad value anywhere is a
/// <see cref="DatasetFormatException"/> naming the file, the row and the column, and nothing is returned.
/// </summary>
public sealed class TableDatasetReader
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

    /// <summary>The items table: one row per item.</summary>
    private static class ItemsTable
    {
        public static async Task ReadAsync(TableDatasetReader r, TableFiles files, CancellationToken cancellationToken)
        {
            r._itemsFile = files.Files.Count == 1 ? files.Files[0] : Path.Combine(r._folder, files.Name);
            var rows = 0L;
            var categories = new List<string>();
            IReadOnlyList<string> used = [];
            var ignored = new List<string>();
            foreach (var file in files.Files)
            {
                await using var cursor = await TableCursor.OpenAsync(file, cancellationToken);
                var id = Required(cursor, TableFormat.ItemId);
                var title = cursor.IndexOf(TableFormat.Title);
                var category = cursor.IndexOf(TableFormat.Categories);
                var year = cursor.IndexOf(TableFormat.Year);
                var known = new[] { id, title, category, year };
                var attributes = AttributesOf(r, cursor, known, first: file == files.Files[0], ignored);
                used =
                [
                    .. known
                        .Where(c => c >= 0)
                        .Concat(attributes.Select(a => a.Column))
                        .Select(c => cursor.Columns[c].Name),
                ];
                cursor.Select(known.Where(c => c >= 0).Concat(attributes.Select(a => a.Column)));
                while (await cursor.NextBatchAsync(cancellationToken))
                {
                    while (cursor.Read())
                    {
                        var itemId = Id(cursor, id);
                        if (r._itemIds.TryGet(itemId, out _))
                        {
                            throw cursor.Error(
                                id,
                                $"item '{itemId.ToString()}' appears a second time: one row per item"
                            );
                        }

                        categories.Clear();
                        if (category >= 0)
                        {
                            cursor.ReadList(category, categories);
                        }

                        r._itemIds.Add(itemId.ToString());
                        r._items.Add(
                            new Item(
                                itemId.ToString(),
                                title >= 0 && !cursor.IsNull(title) ? cursor.Text(title).ToString() : string.Empty,
                                year >= 0 ? Year(cursor, year) : null,
                                r.CategoryIndices(categories)
                            )
                        );
                        foreach (var attribute in attributes)
                        {
                            attribute.Add(cursor);
                        }

                        rows++;
                    }
                }
            }

            r._report.ListedItems = r._items.Count;
            r._report.Tables.Add(new TableReport(files.Name, files.Files, Format(files), rows, used, ignored));
        }

        /// <summary>
        /// The item features: every column but the known ones, lists and types this reader does not read (those are
        /// <paramref name="ignored"/>), as the first part has them; a later part must have them too, wherever they
        /// stand in it.
        /// </summary>
        private static List<AttributeColumn> AttributesOf(
            TableDatasetReader r,
            TableCursor cursor,
            int[] known,
            bool first,
            List<string> ignored
        )
        {
            if (first)
            {
                for (var c = 0; c < cursor.Columns.Count; c++)
                {
                    var (name, type) = cursor.Columns[c];
                    if (known.Contains(c))
                    {
                        continue;
                    }

                    if (type is ColumnType.List or ColumnType.Unsupported)
                    {
                        ignored.Add(
                            name + (type is ColumnType.List ? " (a list)" : " (a type this reader does not read)")
                        );
                        continue;
                    }

                    r._attributes.Add(new AttributeColumn(name, c, type));
                }

                return r._attributes;
            }

            var mapped = new List<AttributeColumn>();
            foreach (var attribute in r._attributes)
            {
                var c = cursor.IndexOf(attribute.Name);
                if (c < 0)
                {
                    throw cursor.FileError(
                        $"column '{attribute.Name}' of the first part is missing here: every part has the same columns"
                    );
                }

                mapped.Add(attribute.At(c));
            }

            r._attributes = mapped;
            return mapped;
        }

        private static int? Year(TableCursor cursor, int column)
        {
            if (cursor.IsNull(column))
            {
                return null;
            }

            return cursor.TryInteger(column, out var year) && year is >= 0 and <= 9999
                ? (int)year
                : throw cursor.Error(
                    column,
                    $"expected a year (an integer from 0 to 9999), found {cursor.Quoted(column)}"
                );
        }
    }

    /// <summary>The users table: one row per user.</summary>
    private static class UsersTable
    {
        public static async Task ReadAsync(TableDatasetReader r, TableFiles files, CancellationToken cancellationToken)
        {
            var rows = 0L;
            IReadOnlyList<string> used = [];
            IReadOnlyList<string> ignored = [];
            foreach (var file in files.Files)
            {
                await using var cursor = await TableCursor.OpenAsync(file, cancellationToken);
                r._users.EnsureCapacity(r._users.Count + (int)Math.Min(cursor.RowCount ?? 0, Array.MaxLength));
                r._userIds.EnsureCapacity(r._users.Capacity);
                var id = Required(cursor, TableFormat.UserId);
                var country = cursor.IndexOf(TableFormat.Country);
                var age = cursor.IndexOf(TableFormat.Age);
                var gender = cursor.IndexOf(TableFormat.Gender);
                int[] known = [id, country, age, gender];
                cursor.Select(known.Where(c => c >= 0));
                used = [.. known.Where(c => c >= 0).Select(c => cursor.Columns[c].Name)];
                ignored = [.. cursor.Columns.Where((_, c) => !known.Contains(c)).Select(col => col.Name)];
                while (await cursor.NextBatchAsync(cancellationToken))
                {
                    while (cursor.Read())
                    {
                        var userId = Id(cursor, id);
                        if (r._userIds.TryGet(userId, out _))
                        {
                            throw cursor.Error(
                                id,
                                $"user '{userId.ToString()}' appears a second time: one row per user"
                            );
                        }

                        var idText = userId.ToString();
                        r._userIds.Add(idText);
                        r._users.Add(
                            new User(
                                idText,
                                country >= 0 && !cursor.IsNull(country) ? r.Country(cursor.Text(country).Trim()) : null,
                                age >= 0 ? Age(cursor, age) : null,
                                gender >= 0 ? r.Gender(cursor, gender) : null
                            )
                        );
                        rows++;
                    }
                }
            }

            r._report.ListedUsers = r._users.Count;
            r._report.Tables.Add(new TableReport(files.Name, files.Files, Format(files), rows, used, ignored));
        }

        private static int? Age(TableCursor cursor, int column)
        {
            if (cursor.IsNull(column))
            {
                return null;
            }

            return cursor.TryInteger(column, out var age) && age is >= 0 and <= 150
                ? (int)age
                : throw cursor.Error(column, $"expected an age in years (0 to 150), found {cursor.Quoted(column)}");
        }
    }

    /// <summary>The interactions table: one row per interaction, streamed into the columns.</summary>
    private static class InteractionsTable
    {
        public static async Task<InteractionTable> ReadAsync(
            TableDatasetReader r,
            TableFiles files,
            CancellationToken cancellationToken
        )
        {
            var table = new InteractionTable(await CapacityAsync(files, cancellationToken));
            var state = new InteractionRows(r, table);
            IReadOnlyList<string> used = [];
            IReadOnlyList<string> ignored = [];
            var first = true;
            foreach (var file in files.Files)
            {
                await using var cursor = await TableCursor.OpenAsync(file, cancellationToken);
                var columns = InteractionColumns.Of(cursor);
                if (first)
                {
                    r._report.HasTimestamps = columns.Timestamp >= 0;
                    first = false;
                }
                else if (r._report.HasTimestamps != columns.Timestamp >= 0)
                {
                    throw cursor.FileError(
                        "some parts have a timestamp column and others do not: give it in every part or in none"
                    );
                }

                cursor.Select(columns.Indices);
                used = [.. columns.Indices.Select(c => cursor.Columns[c].Name)];
                ignored = [.. cursor.Columns.Where((_, c) => !columns.Indices.Contains(c)).Select(col => col.Name)];
                while (await cursor.NextBatchAsync(cancellationToken))
                {
                    while (cursor.Read())
                    {
                        state.Add(cursor, columns);
                    }
                }
            }

            r._report.Tables.Add(new TableReport(files.Name, files.Files, Format(files), table.Count, used, ignored));
            return table;
        }

        /// <summary>The rows the Parquet footers announce (the table is allocated once), or a start for CSV.</summary>
        private static async Task<int> CapacityAsync(TableFiles files, CancellationToken cancellationToken)
        {
            if (!files.IsParquet)
            {
                return 1 << 20;
            }

            long rows = 0;
            foreach (var file in files.Files)
            {
                await using var cursor = await TableCursor.OpenAsync(file, cancellationToken);
                rows += cursor.RowCount ?? 0;
            }

            return rows <= Array.MaxLength
                ? (int)rows
                : throw new DatasetFormatException(
                    files.Files[0],
                    0,
                    $"{rows} interactions: at most {Array.MaxLength} are read"
                );
        }
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

    /// <summary>The interactions' columns in one file.</summary>
    private sealed record InteractionColumns(int User, int Item, int Timestamp, int Kind, int Rating, int Count)
    {
        public int[] Indices => [.. new[] { User, Item, Timestamp, Kind, Rating, Count }.Where(c => c >= 0)];

        public static InteractionColumns Of(TableCursor cursor) =>
            new(
                Required(cursor, TableFormat.UserId),
                Required(cursor, TableFormat.ItemId),
                cursor.IndexOf(TableFormat.Timestamp),
                cursor.IndexOf(TableFormat.Kind),
                cursor.IndexOf(TableFormat.Rating),
                cursor.IndexOf(TableFormat.Count)
            );
    }

    /// <summary>One interaction row at a time into the table: ids to indices, the kind, rating, count and time.</summary>
    private sealed class InteractionRows(TableDatasetReader r, InteractionTable table)
    {
        private const long MinSeconds = -62_135_596_800; // 0001-01-01
        private const long MaxSeconds = 253_402_300_799; // 9999-12-31
        private readonly Dictionary<string, InteractionKind>.AlternateLookup<ReadOnlySpan<char>> _kinds =
            new Dictionary<string, InteractionKind>(
                TableFormat.Kinds,
                StringComparer.OrdinalIgnoreCase
            ).GetAlternateLookup<ReadOnlySpan<char>>();

        public void Add(TableCursor cursor, InteractionColumns columns)
        {
            var user = User(cursor, columns.User);
            var item = Item(cursor, columns.Item);
            var hasRating = columns.Rating >= 0 && !cursor.IsNull(columns.Rating);
            var rating = hasRating ? Rating(cursor, columns.Rating) : 0f;
            var kind =
                columns.Kind >= 0 && !cursor.IsNull(columns.Kind) ? Kind(cursor, columns.Kind)
                : hasRating ? InteractionKind.Rated
                : InteractionKind.Watched;
            if (kind == InteractionKind.Rated && !hasRating)
            {
                throw cursor.Error(columns.Kind, "a rating interaction needs a value in the rating column");
            }

            var weight = kind == InteractionKind.Rated ? rating : 1f;
            if (columns.Count >= 0 && !cursor.IsNull(columns.Count))
            {
                var count = Count(cursor, columns.Count);
                r._report.CountedRows++;
                r._report.CountSum += count;
                weight = kind == InteractionKind.Rated ? weight : count;
            }
            else
            {
                r._report.CountSum++;
            }

            table.Add(user, item, weight, columns.Timestamp >= 0 ? Time(cursor, columns.Timestamp) : 0, kind);
        }

        private int User(TableCursor cursor, int column)
        {
            var id = Id(cursor, column);
            if (r._userIds.TryGet(id, out var user))
            {
                return user;
            }

            var text = id.ToString();
            r._users.Add(new User(text, Country: null));
            return r._userIds.Add(text);
        }

        private int Item(TableCursor cursor, int column)
        {
            var id = Id(cursor, column);
            if (r._itemIds.TryGet(id, out var item))
            {
                if (item >= r._report.ListedItems && r._itemsFile is not null)
                {
                    r._report.InteractionsWithUnknownItems++;
                }

                return item;
            }

            if (r._strict)
            {
                throw cursor.Error(
                    column,
                    $"item '{id.ToString()}' is not in the items table ({r._itemsFile}); without --strict it is kept "
                        + "as an item without metadata"
                );
            }

            var text = id.ToString();
            r._items.Add(new Core.Data.Item(text, string.Empty, null, []));
            if (r._itemsFile is not null)
            {
                r._report.InteractionsWithUnknownItems++;
            }

            return r._itemIds.Add(text);
        }

        private static float Rating(TableCursor cursor, int column) =>
            cursor.TryNumber(column, out var rating) && double.IsFinite(rating) && Math.Abs(rating) <= float.MaxValue
                ? (float)rating
                : throw cursor.Error(column, $"expected a finite rating, found {cursor.Quoted(column)}");

        private static float Count(TableCursor cursor, int column) =>
            cursor.TryNumber(column, out var count) && double.IsFinite(count) && count > 0 && count <= float.MaxValue
                ? (float)count
                : throw cursor.Error(
                    column,
                    $"expected a count above 0 (how many times it happened), found {cursor.Quoted(column)}"
                );

        private string _lastKindText = string.Empty;
        private InteractionKind _lastKind;

        private InteractionKind Kind(TableCursor cursor, int column)
        {
            var text = cursor.Text(column).Trim();
            if (_lastKind != 0 && text.SequenceEqual(_lastKindText))
            {
                return _lastKind;
            }

            if (_kinds.TryGetValue(text, out var name, out var kind))
            {
                (_lastKindText, _lastKind) = (name, kind);
                return kind;
            }

            throw cursor.Error(
                column,
                $"unknown kind {cursor.Quoted(column)}; the kinds read are "
                    + string.Join(", ", TableFormat.Kinds.Keys)
                    + " (docs/data.md): map other events to one of them, or leave them out"
            );
        }

        private static long Time(TableCursor cursor, int column)
        {
            if (cursor.IsNull(column))
            {
                throw cursor.Error(
                    column,
                    "no timestamp on this row: give every row one, or leave the column out (then the file order is "
                        + "the time order)"
                );
            }

            return cursor.TryTimestamp(column, out var seconds) && seconds is >= MinSeconds and <= MaxSeconds
                ? seconds
                : throw cursor.Error(
                    column,
                    $"expected a timestamp (unix seconds or milliseconds, or ISO 8601 such as "
                        + $"2024-05-01T12:30:00Z), found {cursor.Quoted(column)}"
                );
        }
    }
}
