using System.Globalization;
using nietras.SeparatedValues;
using Parquet;
using Parquet.Schema;
using RecServices.Core.Data;

namespace RecServices.Datasets;

/// <summary>
/// Writes a dataset in the table format (<c>recs data convert</c>): <c>items</c>, <c>users</c> and
/// <c>interactions</c> as Parquet (Snappy, row groups of <see cref="RowGroupRows"/> rows; more than
/// <see cref="PartRows"/> interactions become a folder of part files) or as CSV. Reading the result gives the same
/// dataset: the same fingerprint.
/// </summary>
public static class TableDatasetWriter
{
    public const int RowGroupRows = 250_000;
    public const int PartRows = 20_000_000;

    public static async Task WriteAsync(
        Dataset dataset,
        string folder,
        bool parquet,
        CancellationToken cancellationToken
    )
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new IOException($"'{folder}' is not empty: convert into a new or empty folder");
        }

        Directory.CreateDirectory(folder);
        if (parquet)
        {
            await ParquetTables.ItemsAsync(dataset, Path.Combine(folder, "items.parquet"), cancellationToken);
            await ParquetTables.UsersAsync(dataset, Path.Combine(folder, "users.parquet"), cancellationToken);
            await ParquetTables.InteractionsAsync(dataset, folder, cancellationToken);
        }
        else
        {
            CsvTables.Items(dataset, Path.Combine(folder, "items.csv"));
            CsvTables.Users(dataset, Path.Combine(folder, "users.csv"));
            CsvTables.Interactions(dataset, Path.Combine(folder, "interactions.csv"));
        }
    }

    /// <summary>Whether any row carries a count other than 1 (else the count column is left out).</summary>
    private static bool HasCounts(InteractionTable t)
    {
        for (var row = 0; row < t.Count; row++)
        {
            if (t.Kinds[row] != InteractionKind.Rated && t.Ratings[row] != 1f)
            {
                return true;
            }
        }

        return false;
    }

    private static class ParquetTables
    {
        public static async Task ItemsAsync(Dataset dataset, string path, CancellationToken cancellationToken)
        {
            var id = new DataField<string>(TableFormat.ItemId);
            var title = new DataField<string>(TableFormat.Title);
            var categories = new ListField(TableFormat.Categories, new DataField<string>("element"));
            var year = new DataField<int?>(TableFormat.Year);
            var attributes = dataset
                .ItemAttributes.Select(a =>
                    a.IsNumeric ? (DataField)new DataField<float?>(a.Name) : new DataField<string>(a.Name)
                )
                .ToList();
            var schema = new ParquetSchema([id, title, categories, year, .. attributes]);
            await using var stream = File.Create(path);
            await using var writer = await ParquetWriter.CreateAsync(
                schema,
                stream,
                cancellationToken: cancellationToken
            );
            var items = dataset.Items;
            for (var start = 0; start < items.Count; start += RowGroupRows)
            {
                var part = items.Skip(start).Take(RowGroupRows).ToList();
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(id, part.Select(i => i.Id).ToArray());
                await group.WriteAsync(title, part.Select(i => i.Title).ToArray());
                var names = part.SelectMany(i =>
                        i.Categories.Length == 0 ? [null] : i.Categories.Select(g => (string?)dataset.Categories[g])
                    )
                    .ToArray();
                var levels = part.SelectMany(i =>
                        i.Categories.Length == 0 ? [0] : i.Categories.Select((_, k) => k == 0 ? 0 : 1)
                    )
                    .ToArray();
                await group.WriteAsync((DataField)categories.Item, names, levels);
                await group.WriteAsync<int>(
                    year,
                    part.Select(i => i.Year).ToArray(),
                    cancellationToken: cancellationToken
                );
                for (var a = 0; a < attributes.Count; a++)
                {
                    var attribute = dataset.ItemAttributes[a];
                    if (attribute.IsNumeric)
                    {
                        var values = attribute
                            .Numbers.AsSpan(start, part.Count)
                            .ToArray()
                            .Select(v => float.IsNaN(v) ? (float?)null : v)
                            .ToArray();
                        await group.WriteAsync<float>(attributes[a], values, cancellationToken: cancellationToken);
                    }
                    else
                    {
                        var values = attribute
                            .Codes.AsSpan(start, part.Count)
                            .ToArray()
                            .Select(c => c < 0 ? null : attribute.Values[c])
                            .ToArray();
                        await group.WriteAsync(attributes[a], values);
                    }
                }
            }
        }

        public static async Task UsersAsync(Dataset dataset, string path, CancellationToken cancellationToken)
        {
            var id = new DataField<string>(TableFormat.UserId);
            var country = new DataField<string>(TableFormat.Country);
            var age = new DataField<int?>(TableFormat.Age);
            var gender = new DataField<string>(TableFormat.Gender);
            await using var stream = File.Create(path);
            await using var writer = await ParquetWriter.CreateAsync(
                new ParquetSchema(id, country, age, gender),
                stream,
                cancellationToken: cancellationToken
            );
            var users = dataset.Users;
            for (var start = 0; start < users.Count; start += RowGroupRows)
            {
                var part = users.Skip(start).Take(RowGroupRows).ToList();
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(id, part.Select(u => u.Id).ToArray());
                await group.WriteAsync(country, part.Select(u => u.Country).ToArray());
                await group.WriteAsync<int>(
                    age,
                    part.Select(u => u.Age).ToArray(),
                    cancellationToken: cancellationToken
                );
                await group.WriteAsync(gender, part.Select(u => u.Gender).ToArray());
            }
        }

        /// <summary>One file, or a folder of part files of <see cref="PartRows"/> rows.</summary>
        public static async Task InteractionsAsync(Dataset dataset, string folder, CancellationToken cancellationToken)
        {
            var t = dataset.Interactions;
            var counts = HasCounts(t);
            var parts = Math.Max(1, (t.Count + PartRows - 1) / PartRows);
            if (parts > 1)
            {
                Directory.CreateDirectory(Path.Combine(folder, TableFormat.Interactions));
            }

            for (var p = 0; p < parts; p++)
            {
                var path =
                    parts == 1
                        ? Path.Combine(folder, "interactions.parquet")
                        : Path.Combine(
                            folder,
                            TableFormat.Interactions,
                            string.Create(CultureInfo.InvariantCulture, $"part-{p:00000}.parquet")
                        );
                var end = Math.Min(t.Count, (p + 1) * PartRows);
                await InteractionsPartAsync(dataset, path, p * PartRows, end, counts, cancellationToken);
            }
        }

        private static async Task InteractionsPartAsync(
            Dataset dataset,
            string path,
            int from,
            int to,
            bool counts,
            CancellationToken cancellationToken
        )
        {
            var user = new DataField<string>(TableFormat.UserId);
            var item = new DataField<string>(TableFormat.ItemId);
            var time = new DataField<long>(TableFormat.Timestamp);
            var kind = new DataField<string>(TableFormat.Kind);
            var rating = new DataField<float?>(TableFormat.Rating);
            var count = new DataField<float?>(TableFormat.Count);
            List<DataField> fields = [user, item, time, kind, rating];
            if (counts)
            {
                fields.Add(count);
            }

            var t = dataset.Interactions;
            await using var stream = File.Create(path);
            await using var writer = await ParquetWriter.CreateAsync(
                new ParquetSchema(fields),
                stream,
                cancellationToken: cancellationToken
            );
            var size = Math.Min(RowGroupRows, to - from);
            var (users, items, kinds) = (new string[size], new string[size], new string[size]);
            var (times, ratings, weights) = (new long[size], new float?[size], new float?[size]);
            for (var start = from; start < to; start += RowGroupRows)
            {
                var n = Math.Min(RowGroupRows, to - start);
                for (var k = 0; k < n; k++)
                {
                    var row = start + k;
                    users[k] = dataset.Users[t.Users[row]].Id;
                    items[k] = dataset.Items[t.Items[row]].Id;
                    times[k] = t.Timestamps[row];
                    kinds[k] = TableFormat.KindName(t.Kinds[row]);
                    var rated = t.Kinds[row] == InteractionKind.Rated;
                    ratings[k] = rated ? t.Ratings[row] : null;
                    weights[k] = rated ? null : t.Ratings[row];
                }

                using var group = writer.CreateRowGroup();
                await group.WriteAsync(user, users.AsSpan(0, n).ToArray());
                await group.WriteAsync(item, items.AsSpan(0, n).ToArray());
                await group.WriteAsync<long>(time, times.AsMemory(0, n), cancellationToken: cancellationToken);
                await group.WriteAsync(kind, kinds.AsSpan(0, n).ToArray());
                await group.WriteAsync<float>(rating, ratings.AsMemory(0, n), cancellationToken: cancellationToken);
                if (counts)
                {
                    await group.WriteAsync<float>(count, weights.AsMemory(0, n), cancellationToken: cancellationToken);
                }
            }
        }
    }

    private static class CsvTables
    {
        public static void Items(Dataset dataset, string path)
        {
            using var writer = Writer(path);
            foreach (var item in dataset.Items.Select((item, index) => (item, index)))
            {
                using var row = writer.NewRow();
                row[TableFormat.ItemId].Set(item.item.Id);
                row[TableFormat.Title].Set(item.item.Title);
                row[TableFormat.Categories]
                    .Set(
                        string.Join(TableFormat.ListSeparator, item.item.Categories.Select(g => dataset.Categories[g]))
                    );
                row[TableFormat.Year].Set(item.item.Year?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
                foreach (var attribute in dataset.ItemAttributes)
                {
                    row[attribute.Name]
                        .Set(
                            attribute.IsNumeric
                                ? float.IsNaN(attribute.Numbers[item.index])
                                    ? string.Empty
                                    : attribute.Numbers[item.index].ToString("R", CultureInfo.InvariantCulture)
                                : attribute.Codes[item.index] < 0
                                    ? string.Empty
                                    : attribute.Values[attribute.Codes[item.index]]
                        );
                }
            }
        }

        public static void Users(Dataset dataset, string path)
        {
            using var writer = Writer(path);
            foreach (var user in dataset.Users)
            {
                using var row = writer.NewRow();
                row[TableFormat.UserId].Set(user.Id);
                row[TableFormat.Country].Set(user.Country ?? string.Empty);
                row[TableFormat.Age].Set(user.Age?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
                row[TableFormat.Gender].Set(user.Gender ?? string.Empty);
            }
        }

        public static void Interactions(Dataset dataset, string path)
        {
            var t = dataset.Interactions;
            var counts = HasCounts(t);
            using var writer = Writer(path);
            for (var r = 0; r < t.Count; r++)
            {
                using var row = writer.NewRow();
                var rated = t.Kinds[r] == InteractionKind.Rated;
                row[TableFormat.UserId].Set(dataset.Users[t.Users[r]].Id);
                row[TableFormat.ItemId].Set(dataset.Items[t.Items[r]].Id);
                row[TableFormat.Timestamp].Format(t.Timestamps[r]);
                row[TableFormat.Kind].Set(TableFormat.KindName(t.Kinds[r]));
                row[TableFormat.Rating]
                    .Set(rated ? t.Ratings[r].ToString("R", CultureInfo.InvariantCulture) : string.Empty);
                if (counts)
                {
                    row[TableFormat.Count]
                        .Set(rated ? string.Empty : t.Ratings[r].ToString("R", CultureInfo.InvariantCulture));
                }
            }
        }

        private static SepWriter Writer(string path) =>
            new Sep(',').Writer(o => o with { Escape = true, CultureInfo = CultureInfo.InvariantCulture }).ToFile(path);
    }
}
