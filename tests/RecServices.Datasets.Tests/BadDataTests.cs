using RecServices.Core.Data;

namespace RecServices.Datasets.Tests;

/// <summary>
/// Guards that every kind of bad data is refused, in Parquet and in CSV, with a message naming the file, the row
/// (Parquet: row group and row; CSV: line) and the column, and that nothing is returned.
/// </summary>
public sealed class BadDataTests
{
    /// <summary>Where data row <paramref name="row"/> (0-based) of a one-group test file is.</summary>
    private static string At(string format, int row) =>
        format == TestTables.Parquet ? $"row group 0, row {row}" : $"line {row + 2}";

    private static async Task<DatasetFormatException> Refused(string folder, bool strict = false) =>
        await Assert.ThrowsAsync<DatasetFormatException>(() =>
            DatasetReader.LoadAsync(folder, strict, CancellationToken.None)
        );

    private static void AssertNames(
        DatasetFormatException e,
        string file,
        string location,
        string column,
        string problem
    )
    {
        Assert.Contains(Path.GetFileName(file), e.Message, StringComparison.Ordinal);
        Assert.Contains(location, e.Message, StringComparison.Ordinal);
        Assert.Contains($"column '{column}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_DuplicateItem_NamesFileRowColumn(string format)
    {
        using var dir = new TempDirectory();
        var items = await TestTables.WriteAsync(dir.Path, "items", format, ("item_id", ["a", "b", "a"]));
        await TestTables.WriteAsync(dir.Path, "interactions", format, ("user_id", ["u"]), ("item_id", ["a"]));

        AssertNames(await Refused(dir.Path), items, At(format, 2), "item_id", "item 'a' appears a second time");
    }

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_DuplicateUser_NamesFileRowColumn(string format)
    {
        using var dir = new TempDirectory();
        var users = await TestTables.WriteAsync(
            dir.Path,
            "users",
            format,
            ("user_id", ["u", "u"]),
            ("age", [20L, 30L])
        );
        await TestTables.WriteAsync(dir.Path, "interactions", format, ("user_id", ["u"]), ("item_id", ["a"]));

        AssertNames(await Refused(dir.Path), users, At(format, 1), "user_id", "user 'u' appears a second time");
    }

    [Theory]
    [InlineData(TestTables.Parquet, "user_id")]
    [InlineData(TestTables.Csv, "user_id")]
    [InlineData(TestTables.Parquet, "item_id")]
    [InlineData(TestTables.Csv, "item_id")]
    public async Task Read_EmptyId_NamesFileRowColumn(string format, string column)
    {
        using var dir = new TempDirectory();
        var path = await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["u", column == "user_id" ? "  " : "v"]),
            ("item_id", ["a", column == "item_id" ? null : "b"])
        );

        AssertNames(await Refused(dir.Path), path, At(format, 1), column, "empty id");
    }

    [Theory]
    [InlineData(TestTables.Parquet, double.NaN)]
    [InlineData(TestTables.Parquet, double.PositiveInfinity)]
    [InlineData(TestTables.Csv, double.NaN)]
    [InlineData(TestTables.Csv, double.NegativeInfinity)]
    public async Task Read_NonFiniteRating_NamesFileRowColumn(string format, double rating)
    {
        using var dir = new TempDirectory();
        var path = await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["u", "u"]),
            ("item_id", ["a", "b"]),
            ("rating", [4.0, rating])
        );

        AssertNames(await Refused(dir.Path), path, At(format, 1), "rating", "expected a finite rating");
    }

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_RatingThatIsNotANumber_NamesFileRowColumn(string format)
    {
        using var dir = new TempDirectory();
        var path = await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["u"]),
            ("item_id", ["a"]),
            ("rating", ["four"])
        );

        AssertNames(await Refused(dir.Path), path, At(format, 0), "rating", "found 'four'");
    }

    [Theory]
    [InlineData(TestTables.Parquet, "yesterday")]
    [InlineData(TestTables.Csv, "yesterday")]
    [InlineData(TestTables.Csv, "2024-13-45")]
    [InlineData(TestTables.Csv, null)]
    public async Task Read_TimestampThatDoesNotParse_NamesFileRowColumn(string format, string? timestamp)
    {
        using var dir = new TempDirectory();
        var path = await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["u", "u"]),
            ("item_id", ["a", "b"]),
            ("timestamp", ["1700000000", timestamp])
        );

        var e = await Refused(dir.Path);

        AssertNames(
            e,
            path,
            At(format, 1),
            "timestamp",
            timestamp is null ? "no timestamp on this row" : "expected a timestamp"
        );
    }

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_UnknownKind_NamesTheValueAndTheKindsRead(string format)
    {
        using var dir = new TempDirectory();
        var path = await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["u"]),
            ("item_id", ["a"]),
            ("kind", ["dislike"])
        );

        var e = await Refused(dir.Path);

        AssertNames(e, path, At(format, 0), "kind", "unknown kind 'dislike'");
        Assert.Contains("purchase", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_RatingKindWithoutRating_NamesFileRowColumn(string format)
    {
        using var dir = new TempDirectory();
        var path = await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["u"]),
            ("item_id", ["a"]),
            ("kind", ["rating"]),
            ("rating", new object?[] { null })
        );

        AssertNames(await Refused(dir.Path), path, At(format, 0), "kind", "needs a value in the rating column");
    }

    [Theory]
    [InlineData(TestTables.Parquet, 0L)]
    [InlineData(TestTables.Csv, -2L)]
    public async Task Read_CountNotAboveZero_NamesFileRowColumn(string format, long count)
    {
        using var dir = new TempDirectory();
        var path = await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["u"]),
            ("item_id", ["a"]),
            ("count", [count])
        );

        AssertNames(await Refused(dir.Path), path, At(format, 0), "count", "expected a count above 0");
    }

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_UnknownItemWhenStrict_Refused(string format)
    {
        using var dir = new TempDirectory();
        await TestTables.WriteAsync(dir.Path, "items", format, ("item_id", ["a"]));
        var path = await TestTables.WriteAsync(
            dir.Path,
            "interactions",
            format,
            ("user_id", ["u", "u"]),
            ("item_id", ["a", "zz"])
        );

        var e = await Refused(dir.Path, strict: true);

        AssertNames(e, path, At(format, 1), "item_id", "item 'zz' is not in the items table");
        var (kept, report) = await DatasetReader.LoadAsync(dir.Path, strict: false, CancellationToken.None);
        Assert.Equal(2, kept.Items.Count);
        Assert.Equal(1, report!.InteractionsWithUnknownItems);
    }

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_BadAgeAndYear_NamesFileRowColumn(string format)
    {
        using var dir = new TempDirectory();
        await TestTables.WriteAsync(dir.Path, "interactions", format, ("user_id", ["u"]), ("item_id", ["a"]));
        var users = await TestTables.WriteAsync(dir.Path, "users", format, ("user_id", ["u"]), ("age", ["thirty"]));
        AssertNames(await Refused(dir.Path), users, At(format, 0), "age", "expected an age in years");

        File.Delete(users);
        var items = await TestTables.WriteAsync(
            dir.Path,
            "items",
            format,
            ("item_id", ["a", "b"]),
            ("year", [1999L, 20001L])
        );
        AssertNames(await Refused(dir.Path), items, At(format, 1), "year", "expected a year");
    }

    [Theory]
    [InlineData(TestTables.Parquet)]
    [InlineData(TestTables.Csv)]
    public async Task Read_MissingRequiredColumn_NamesFileAndColumns(string format)
    {
        using var dir = new TempDirectory();
        var path = await TestTables.WriteAsync(dir.Path, "interactions", format, ("user", ["u"]), ("item_id", ["a"]));

        var e = await Refused(dir.Path);

        Assert.Contains(Path.GetFileName(path), e.Message, StringComparison.Ordinal);
        Assert.Contains("no 'user_id' column (the columns are: user, item_id)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_CsvLineWithAFieldTooMany_NamesFileAndLine()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("interactions.csv", "user_id,item_id,rating\nu,a,4\nu,b,3,extra\n");

        var e = await Refused(dir.Path);

        Assert.Contains($"{path}: line 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected 3 fields", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public async Task Read_ParquetFileThatIsNotParquet_NamesFile()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("interactions.parquet", "user_id,item_id\nu,a\n");

        var e = await Refused(dir.Path);

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("not a readable Parquet file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_NoInteractionsTable_SaysWhatToGive()
    {
        using var dir = new TempDirectory();
        await TestTables.WriteAsync(dir.Path, "items", TestTables.Csv, ("item_id", ["a"]));

        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(dir.Path));

        Assert.Contains("the table format (interactions.parquet", e.Message, StringComparison.Ordinal);
    }
}
