using RecServices.Core.Data;

namespace RecServices.Datasets;

internal sealed partial class TableDatasetReader
{
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
}
