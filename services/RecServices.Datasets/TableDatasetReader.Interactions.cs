using RecServices.Core.Data;

namespace RecServices.Datasets;

internal sealed partial class TableDatasetReader
{
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
            // Users and items of their tables, looked up ahead of the rows (nothing adds to those maps from here on).
            var (users, items) = (r._userIds.Resolver(), r._itemIds.Resolver());
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

                cursor.Resolve(columns.User, users);
                cursor.Resolve(columns.Item, items);
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
        private readonly IdMap _newUsers = new();
        private readonly IdMap _newItems = new();

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

        /// <summary>
        /// A row's user: one of the users table (resolved ahead by the cursor against the table's ids, which nothing
        /// changes while the interactions are read), or one seen only in the interactions, kept apart.
        /// </summary>
        private int User(TableCursor cursor, int column)
        {
            var listed = cursor.Resolved(column);
            if (listed >= 0)
            {
                return listed;
            }

            var id = Id(cursor, column);
            if (_newUsers.TryGet(id, out var added))
            {
                return r._report.ListedUsers + added;
            }

            var text = id.ToString();
            r._users.Add(new User(text, Country: null));
            return r._report.ListedUsers + _newUsers.Add(text);
        }

        /// <summary>
        /// A row's item: one of the items table (resolved ahead, as users are), or one only in the interactions: kept
        /// without metadata and counted, or refused with --strict.
        /// </summary>
        private int Item(TableCursor cursor, int column)
        {
            var listed = cursor.Resolved(column);
            if (listed >= 0)
            {
                return listed;
            }

            var id = Id(cursor, column);
            if (r._itemsFile is not null)
            {
                r._report.InteractionsWithUnknownItems++;
            }

            if (_newItems.TryGet(id, out var added))
            {
                return r._report.ListedItems + added;
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
            return r._report.ListedItems + _newItems.Add(text);
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
