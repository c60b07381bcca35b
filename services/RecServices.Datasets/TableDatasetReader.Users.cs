using RecServices.Core.Data;

namespace RecServices.Datasets;

internal sealed partial class TableDatasetReader
{
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
}
