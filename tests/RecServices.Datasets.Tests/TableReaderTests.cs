using RecServices.Core.Data;

namespace RecServices.Datasets.Tests;

/// <summary>
/// Guards what the table format promises beyond the round trip: optional columns and tables, the kind mapping,
/// counts, timestamps in every accepted form, categories as a Parquet list or a '|'-separated string, items only in
/// the interactions (kept and counted, or refused with --strict), part files, gzip, and item feature typing.
/// </summary>
public sealed class TableReaderTests
{
    private static Task<(Dataset Dataset, DatasetReport? Report)> Read(string folder, bool strict = false) =>
        DatasetReader.LoadAsync(folder, strict, CancellationToken.None);

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_InteractionsOnly_UsersAndItemsComeFromTheRowsAndFileOrderIsTime(string format)
    {
        using var dir = new TempDirectory();
        await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["a", "b", "a"]),
            ("item_id", ["x", "y", "y"])
        );

        var (data, report) = await Read(dir.Path);

        Assert.Equal(["a", "b"], data.Users.Select(u => u.Id));
        Assert.Equal(["x", "y"], data.Items.Select(i => i.Id));
        Assert.All(data.Interactions.Kinds.ToArray(), k => Assert.Equal(InteractionKind.Watched, k));
        Assert.All(data.Interactions.Timestamps.ToArray(), t => Assert.Equal(0, t));
        Assert.False(report!.HasTimestamps);
        Assert.Equal(0, report.InteractionsWithUnknownItems);
        Assert.Equal(2, report.ItemsWithoutMetadata);
        var (offsets, rows) = data.Interactions.GroupByUser(data.Users.Count);
        Assert.Equal([0, 2], rows[offsets[0]..offsets[1]]); // a's rows in file order
    }

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_KindsRatingsAndCounts_MappedAsDocumented(string format)
    {
        using var dir = new TempDirectory();
        await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["u", "u", "u", "u", "u"]),
            ("item_id", ["1", "2", "3", "4", "5"]),
            ("kind", ["PLAY", "purchase", null, "click", "rating"]),
            ("rating", [null, null, 4.5, null, 2.0]),
            ("count", [12L, null, null, 3L, 9L])
        );

        var (data, report) = await Read(dir.Path);

        var t = data.Interactions;
        Assert.Equal(
            [
                InteractionKind.Watched,
                InteractionKind.Purchased,
                InteractionKind.Rated,
                InteractionKind.Watched,
                InteractionKind.Rated,
            ],
            t.Kinds.ToArray()
        );
        Assert.Equal([12f, 1f, 4.5f, 3f, 2f], t.Ratings.ToArray()); // a count for views, the rating for ratings
        Assert.Equal(1 + MathF.Log(12), t.Weight(0), 5);
        Assert.Equal(1f, t.Weight(2));
        Assert.Equal(3, report!.CountedRows);
    }

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_Timestamps_SecondsMillisecondsAndIso8601(string format)
    {
        using var dir = new TempDirectory();
        await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["u", "u", "u"]),
            ("item_id", ["1", "2", "3"]),
            (
                "timestamp",
                format == TestTables.Csv
                    ? ["1700000000", "1700000001000", "2023-11-14T22:13:22Z"]
                    : [1_700_000_000L, 1_700_000_001_000L, 1_700_000_002L]
            )
        );

        var (data, _) = await Read(dir.Path);

        Assert.Equal([1_700_000_000L, 1_700_000_001L, 1_700_000_002L], data.Interactions.Timestamps.ToArray());
    }

    [Fact]
    public async Task Read_ParquetInt64Ids_EveryDigitKept()
    {
        using var dir = new TempDirectory();
        await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            TestTables.Parquet,
            ("user_id", [9_007_199_254_740_993L, -7L]),
            ("item_id", [long.MaxValue, 42L])
        );

        var (data, _) = await Read(dir.Path);

        Assert.Equal(["9007199254740993", "-7"], data.Users.Select(u => u.Id));
        Assert.Equal(["9223372036854775807", "42"], data.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Read_ParquetTimestampColumn_UnixSeconds()
    {
        using var dir = new TempDirectory();
        await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            TestTables.Parquet,
            ("user_id", ["u"]),
            ("item_id", ["1"]),
            ("timestamp", [new DateTime(2024, 5, 1, 12, 30, 0, DateTimeKind.Utc)])
        );

        var (data, _) = await Read(dir.Path);

        Assert.Equal(
            new DateTimeOffset(2024, 5, 1, 12, 30, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
            data.Interactions.Timestamps[0]
        );
    }

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_ItemsAndUsers_CategoriesProfilesAndFeatures(string format)
    {
        using var dir = new TempDirectory();
        await TestTables.WriteAsync(
            dir.Path,
            "items",
            format,
            ("item_id", ["s1", "s2", "s3"]),
            ("title", ["Song, one", "Song two", null]),
            ("categories", new object?[] { new[] { "rock", "indie" }, new[] { "jazz" }, null }),
            ("year", [1999L, null, 2020L]),
            ("duration_s", [200.5, 180.0, null]),
            ("label", ["sub pop", "blue note", "sub pop"])
        );
        await TestTables.WriteAsync(
            dir.Path,
            "users",
            format,
            ("user_id", ["u1", "u2"]),
            ("country", ["SE", null]),
            ("age", [31L, null]),
            ("gender", ["female", "x"]),
            ("plan", ["free", "paid"])
        );
        await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["u1", "u3"]),
            ("item_id", ["s1", "s9"])
        );

        var (data, report) = await Read(dir.Path);

        Assert.Equal(["indie", "jazz", "rock"], data.Categories);
        Assert.Equal(["s1", "s2", "s3", "s9"], data.Items.Select(i => i.Id));
        Assert.Equal(("s1", "Song, one", (int?)1999), (data.Items[0].Id, data.Items[0].Title, data.Items[0].Year));
        Assert.Null(data.Items[1].Year);
        Assert.Equal([0, 2], data.Items[0].Categories);
        Assert.Equal(string.Empty, data.Items[2].Title);
        Assert.Empty(data.Items[3].Categories); // s9: only in the interactions
        Assert.Equal(new User("u1", "SE", 31, "F"), data.Users[0]);
        Assert.Equal(new User("u2", null, null, null), data.Users[1]);
        Assert.Equal(new User("u3", null), data.Users[2]);
        Assert.Equal(1, report!.UnknownGenders);
        Assert.Equal(1, report.InteractionsWithUnknownItems);
        Assert.Equal(1, report.ItemsWithoutMetadata);
        Assert.Contains("plan", report.Tables.Single(t => t.Name == "users").Ignored);

        var duration = data.ItemAttributes.Single(a => a.Name == "duration_s");
        Assert.True(duration.IsNumeric);
        Assert.Equal(200.5f, duration.Numbers[0]);
        Assert.True(float.IsNaN(duration.Numbers[2]));
        Assert.True(float.IsNaN(duration.Numbers[3]));
        var label = data.ItemAttributes.Single(a => a.Name == "label");
        Assert.False(label.IsNumeric);
        Assert.Equal(["sub pop", "blue note"], label.Values);
        Assert.Equal([0, 1, 0, -1], label.Codes);
    }

    [Fact]
    public async Task Read_CategoriesAsOneStringInParquet_SplitAtBars()
    {
        using var dir = new TempDirectory();
        await TestTables.WriteAsync(
            dir.Path,
            "items",
            TestTables.Parquet,
            ("item_id", ["a"]),
            ("categories", ["x| y |x"])
        );
        await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            TestTables.Parquet,
            ("user_id", ["u"]),
            ("item_id", ["a"])
        );

        var (data, _) = await Read(dir.Path);

        Assert.Equal(["x", "y"], data.Categories);
        Assert.Equal([0, 1], data.Items[0].Categories);
    }

    [Fact]
    public async Task Read_ParquetListBesideCategories_IgnoredAndReported()
    {
        using var dir = new TempDirectory();
        await TestTables.WriteAsync(
            dir.Path,
            "items",
            TestTables.Parquet,
            ("item_id", ["a", "b"]),
            ("categories", new object?[] { new[] { "x" }, new[] { "y" } }),
            ("moods", new object?[] { new[] { "calm" }, new[] { "loud", "fast" } })
        );
        await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            TestTables.Parquet,
            ("user_id", ["u"]),
            ("item_id", ["a"])
        );

        var (data, report) = await Read(dir.Path);

        Assert.Empty(data.ItemAttributes);
        Assert.Equal(["moods (a list)"], report!.Tables.Single(t => t.Name == "items").Ignored);
    }

    [Fact]
    public async Task Read_ManyRowGroups_SameDatasetAsOneCsvFile()
    {
        using var dir = new TempDirectory();
        var parquet = Directory.CreateDirectory(Path.Combine(dir.Path, "parquet")).FullName;
        var csv = Directory.CreateDirectory(Path.Combine(dir.Path, "csv")).FullName;
        object?[] users = [.. Enumerable.Range(0, 40).Select(i => $"u{i % 7}")];
        object?[] items = [.. Enumerable.Range(0, 40).Select(i => $"i{(i * 7) % 13}")]; // i10..i12 not listed
        object?[] times = [.. Enumerable.Range(0, 40).Select(i => (long)(1_700_000_000 + i))];
        object?[] listed = [.. Enumerable.Range(0, 10).Select(i => $"i{i}")];
        await TestTables.WriteGroupsAsync(
            parquet,
            "interactions",
            3,
            ("user_id", users),
            ("item_id", items),
            ("timestamp", times)
        );
        await TestTables.WriteGroupsAsync(parquet, "items", 4, ("item_id", listed));
        await TestTables.WriteGroupsAsync(parquet, "users", 2, ("user_id", [.. users.Distinct().Take(4)]));
        await TestTables.WriteAsync(
            csv,
            "interactions",
            TestTables.Csv,
            ("user_id", users),
            ("item_id", items),
            ("timestamp", times)
        );
        await TestTables.WriteAsync(csv, "items", TestTables.Csv, ("item_id", listed));
        await TestTables.WriteAsync(csv, "users", TestTables.Csv, ("user_id", [.. users.Distinct().Take(4)]));

        var (fromParquet, report) = await Read(parquet);
        var (fromCsv, _) = await Read(csv);

        Assert.Equal(fromCsv.Fingerprint(), fromParquet.Fingerprint());
        Assert.Equal(40, fromParquet.Interactions.Count);
        Assert.Equal(13, fromParquet.Items.Count);
        Assert.Equal(7, fromParquet.Users.Count);
        Assert.Equal(3, report!.ItemsWithoutMetadata);
        Assert.Equal(items.Count(i => i is "i10" or "i11" or "i12"), report.InteractionsWithUnknownItems);
        Assert.Equal(3, report.UsersWithoutProfile);
    }

    [Fact]
    public async Task Read_PartFilesWithSparkMarkers_ReadInNameOrder()
    {
        using var dir = new TempDirectory();
        var parts = Path.Combine(dir.Path, "interactions");
        Directory.CreateDirectory(parts);
        await TestTables.WriteAsync(parts, "part-00001", TestTables.Parquet, ("user_id", ["b"]), ("item_id", ["2"]));
        await TestTables.WriteAsync(parts, "part-00000", TestTables.Parquet, ("user_id", ["a"]), ("item_id", ["1"]));
        File.WriteAllText(Path.Combine(parts, "_SUCCESS"), string.Empty);
        File.WriteAllText(Path.Combine(parts, ".part-00000.parquet.crc"), "x");

        var (data, report) = await Read(dir.Path);

        Assert.Equal(["a", "b"], data.Users.Select(u => u.Id));
        Assert.Equal(2, report!.Tables.Single().Files.Count);
    }

    [Fact]
    public async Task Read_GzippedCsv_ReadAsCsv()
    {
        using var dir = new TempDirectory();
        TestTables.Gzip(
            Path.Combine(dir.Path, "interactions.csv.gz"),
            TestTables.CsvText(("user_id", ["a", "b"]), ("item_id", ["1", "1"]), ("timestamp", ["5", "6"]))
        );

        var (data, _) = await Read(dir.Path);

        Assert.Equal(2, data.Interactions.Count);
        Assert.Equal([5L, 6L], data.Interactions.Timestamps.ToArray());
    }

    [Fact]
    public async Task Read_MixedFormatsInOneTable_Refused()
    {
        using var dir = new TempDirectory();
        var parts = Path.Combine(dir.Path, "interactions");
        Directory.CreateDirectory(parts);
        await TestTables.WriteAsync(parts, "part-0", TestTables.Parquet, ("user_id", ["a"]), ("item_id", ["1"]));
        await TestTables.WriteAsync(parts, "part-1", TestTables.Csv, ("user_id", ["a"]), ("item_id", ["1"]));

        var e = await Assert.ThrowsAsync<DatasetFormatException>(() => Read(dir.Path));

        Assert.Contains("mixes Parquet and CSV", e.Message, StringComparison.Ordinal);
    }
}
