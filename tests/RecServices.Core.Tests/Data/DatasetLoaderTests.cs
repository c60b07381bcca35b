using RecServices.Core.Data;

namespace RecServices.Core.Tests.Data;

/// <summary>
/// Every dataset format read as it is (MovieLens 100K, 1M, 10M, CSV), and every malformed file refused naming the file
/// and the line.
/// </summary>
public sealed class DatasetLoaderTests
{
    [Fact]
    public void Load_MovieLens100K_ReadsItemsUsersRatingsAndLatin1Titles()
    {
        using var dir = new TempDirectory();
        MovieLensFixtures.Write100K(dir, info: "3 users\n3 items\n4 ratings\n");

        var data = DatasetLoader.Load(dir.Path);

        Assert.Equal("movielens-100k", data.Name);
        Assert.Equal(19, data.Categories.Count);
        Assert.Equal(3, data.Items.Count);
        Assert.Equal("Misérables, Les (1995)", data.Items[1].Title);
        // Categories by name (CategoryOrder), whatever u.genre's order: Animation, Children's, Comedy.
        Assert.Equal(["Animation", "Children's", "Comedy"], data.Items[0].Categories.Select(c => data.Categories[c]));
        Assert.Equal([2, 3, 4], data.Items[0].Categories);
        Assert.Equal("unknown", data.Categories[^1]);
        Assert.Equal(1995, data.Items[0].Year);
        Assert.Null(data.Items[2].Year);
        Assert.Equal(new User("1", "US-8", 24, "M"), data.Users[0]);
        Assert.Equal("CA", data.Users[2].Country);
        Assert.Equal(4, data.Interactions.Count);
        Assert.Equal(data.UserIndex["2"], data.Interactions.Users[2]);
        Assert.Equal(data.ItemIndex["1"], data.Interactions.Items[2]);
        Assert.Equal(4f, data.Interactions.Ratings[2]);
        Assert.Equal(878542960L, data.Interactions.Timestamps[2]);
        Assert.Equal(InteractionKind.Rated, data.Interactions.Kinds[2]);
    }

    [Theory]
    [InlineData("1\t1\t5\t874965758\n1\t2\t3\n", 2, "expected 4 fields")]
    [InlineData("1\t1\t5\t874965758\n1\t9\t3\t876893171\n", 2, "item 9 is not in u.item")]
    [InlineData("1\t1\t5\t874965758\n7\t1\t3\t876893171\n", 2, "user 7 is not in u.user")]
    [InlineData("1\t1\tfive\t874965758\n", 1, "not a number")]
    [InlineData("1\t1\t9\t874965758\n", 1, "outside [1, 5]")]
    [InlineData("1\t1\t5\tyesterday\n", 1, "'timestamp' is not an integer")]
    public void Load_MalformedRatings_NamesFileAndLine(string data, int line, string problem)
    {
        using var dir = new TempDirectory();
        MovieLensFixtures.Write100K(dir, data);

        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(dir.Path));

        Assert.EndsWith("u.data", e.FilePath);
        Assert.Equal(line, e.Line);
        Assert.Contains($"u.data:{line}:", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Load_RatingsShorterThanUInfoSays_ReportsTruncation()
    {
        using var dir = new TempDirectory();
        MovieLensFixtures.Write100K(dir, info: "3 users\n3 items\n100000 ratings\n");

        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(dir.Path));

        Assert.EndsWith("u.data", e.FilePath);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Load_ItemLineCutShort_NamesUItemLine()
    {
        using var dir = new TempDirectory();
        MovieLensFixtures.Write100K(dir);
        File.AppendAllText(
            Path.Combine(dir.Path, "u.item"),
            "4|Cut (1996)|01-Jan-1996||http://x|0|0|1\n",
            System.Text.Encoding.Latin1
        );

        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(dir.Path));

        Assert.Contains("u.item:4:", e.Message);
    }

    [Fact]
    public void Load_MovieLens1M_ReadsDoubleColonFilesWithUsers()
    {
        using var dir = new TempDirectory();
        MovieLensFixtures.Write1M(dir);

        var data = DatasetLoader.Load(dir.Path);

        Assert.Equal("movielens-1m", data.Name);
        Assert.Equal(["Animation", "Children's", "Comedy", "Drama"], data.Categories);
        Assert.Equal("Misérables, Les (1995)", data.Items[1].Title);
        Assert.Equal(1995, data.Items[1].Year);
        Assert.Equal("US-4", data.Users[0].Country);
        Assert.Equal("F", data.Users[0].Gender);
        Assert.Equal(3, data.Interactions.Count);
    }

    [Fact]
    public void Load_MovieLens1MUnknownMovie_NamesRatingsLine()
    {
        using var dir = new TempDirectory();
        MovieLensFixtures.Write1M(dir, "1::1::5::978300760\n1::99::3::978302109\n");

        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(dir.Path));

        Assert.Contains("ratings.dat:2:", e.Message);
        Assert.Contains("MovieID 99", e.Message);
    }

    [Fact]
    public void Load_MovieLens10M_ReadsUtf8TitlesHalfStarsAndUsersFromRatings()
    {
        using var dir = new TempDirectory();
        MovieLensFixtures.Write10M(dir);

        var data = DatasetLoader.Load(dir.Path);

        Assert.Equal("movielens-10m", data.Name);
        Assert.Equal("Amélie (2001)", data.Items[1].Title);
        Assert.Equal(2, data.Users.Count);
        Assert.Null(data.Users[0].Country);
        Assert.Equal(4.5f, data.Interactions.Ratings[0]);
    }

    [Fact]
    public void Load_MovieLensCsv_ParsesQuotedTitlesWithCommasAndQuotes()
    {
        using var dir = new TempDirectory();
        MovieLensFixtures.WriteCsv(dir);

        var data = DatasetLoader.Load(dir.Path);

        Assert.Equal("movielens-csv", data.Name);
        Assert.Equal("American President, The (1995)", data.Items[1].Title);
        Assert.Equal("Film with \"quotes\" (2001)", data.Items[2].Title);
        Assert.Empty(data.Items[2].Categories);
        Assert.Equal(2001, data.Items[2].Year);
        Assert.Equal(0.5f, data.Interactions.Ratings[1]);
        Assert.Equal(["1", "5"], data.Users.Select(u => u.Id));
    }

    [Theory]
    [InlineData("movieId,title,genres\n1,\"Unclosed (1995),Comedy\n", 2, "not closed")]
    [InlineData("movieId,title,genres\n1,Toy Story (1995)\n", 2, "expected 3")]
    [InlineData("id,name\n1,Toy Story (1995),Comedy\n", 1, "header")]
    public void Load_MalformedCsv_NamesMoviesLine(string movies, int line, string problem)
    {
        using var dir = new TempDirectory();
        MovieLensFixtures.WriteCsv(dir, movies);

        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(dir.Path));

        Assert.Contains($"movies.csv:{line}:", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Load_UnknownFolder_ListsExpectedFormats()
    {
        using var dir = new TempDirectory();
        dir.Write("readme.txt", "nothing here");

        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.Load(dir.Path));

        Assert.Contains("u.data", e.Message);
        Assert.Contains("ratings.csv", e.Message);
    }

    [MovieLensFact]
    public void Load_RealMovieLens100K_MatchesPublishedCounts()
    {
        var data = DatasetLoader.Load(MovieLensData.Folder100K);

        Assert.Equal(943, data.Users.Count);
        Assert.Equal(1682, data.Items.Count);
        Assert.Equal(100_000, data.Interactions.Count);
        Assert.Equal("196", data.Users[data.Interactions.Users[0]].Id);
        Assert.Equal("242", data.Items[data.Interactions.Items[0]].Id);
        Assert.Equal("Misérables, Les (1995)", data.Items[data.ItemIndex["543"]].Title);
        Assert.Equal(
            21_201,
            Enumerable.Range(0, data.Interactions.Count).Count(i => data.Interactions.Ratings[i] == 5)
        );
    }
}
