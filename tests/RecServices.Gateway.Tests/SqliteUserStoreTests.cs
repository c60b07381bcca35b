using Microsoft.Data.Sqlite;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Gateway.Users;
using RecServices.Training.Bundling;
using RecServices.Training.Model;

namespace RecServices.Gateway.Tests;

public sealed class SqliteUserStoreTests : IDisposable
{
    private static readonly Lazy<(Bundle Bundle, Dataset Data)> Built = new(Build);
    private readonly TempDirectory _dir = new();

    private static Bundle Bundle => Built.Value.Bundle;

    [Fact]
    public async Task Initialize_NewFile_SeedsEveryUserWithTheirHistoryInTimeOrder()
    {
        var store = new SqliteUserStore(Path.Combine(_dir.Path, "users.db"));

        await store.InitializeAsync(Bundle, CancellationToken.None);
        var user = await store.FindAsync(Bundle.Users![4].Id, CancellationToken.None);

        var expected = UserHistories.Build(Bundle.Interactions!, Bundle.Users.Count).Of(4).ToArray().Select(i => Bundle.Catalog.Items[i].Id);
        Assert.NotNull(user);
        Assert.Equal(expected, user.History);
        Assert.Equal(Bundle.Users[4].Country, user.Country);
        Assert.Equal(Bundle.Users[4].Age, user.Age);
        Assert.Null(await store.FindAsync("nobody", CancellationToken.None));
    }

    [Fact]
    public async Task Append_SurvivesARestart_AndSeedingHappensOnce()
    {
        var path = Path.Combine(_dir.Path, "users.db");
        var first = new SqliteUserStore(path);
        await first.InitializeAsync(Bundle, CancellationToken.None);
        var userId = Bundle.Users![0].Id;
        var before = (await first.FindAsync(userId, CancellationToken.None))!.History;

        var count = await first.AppendAsync(new NewInteraction(userId, "i7", InteractionKind.Purchased, null, DateTimeOffset.UtcNow.AddYears(5)), CancellationToken.None);
        SqliteConnection.ClearAllPools();
        var second = new SqliteUserStore(path);
        await second.InitializeAsync(Bundle, CancellationToken.None);
        var after = await second.FindAsync(userId, CancellationToken.None);

        Assert.Equal(after!.History.Count, count);
        Assert.Equal("i7", after.History[^1]);
        Assert.Equal(before.Count + (before.Contains("i7") ? 0 : 1), count);
        Assert.Equal(1, Enumerable.Range(0, after.History.Count).Count(i => after.History[i] == "i7"));
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var rows = connection.CreateCommand();
        rows.CommandText = "SELECT COUNT(*) FROM interactions";
        Assert.Equal(Bundle.Interactions!.Count + 1, (long)(await rows.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Append_NewUser_CreatesThemWithNoProfile()
    {
        var store = new SqliteUserStore(Path.Combine(_dir.Path, "users.db"));
        await store.InitializeAsync(Bundle, CancellationToken.None);

        var count = await store.AppendAsync(new NewInteraction("brand-new", "i3", InteractionKind.Rated, 4.5f, DateTimeOffset.UtcNow), CancellationToken.None);
        var user = await store.FindAsync("brand-new", CancellationToken.None);

        Assert.Equal(1, count);
        Assert.Equal(["i3"], user!.History);
        Assert.Null(user.Country);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private static (Bundle, Dataset) Build()
    {
        var data = SyntheticDataset.Generate(new SyntheticOptions { Users = 60, Items = 80, Interactions = 1_500, Clusters = 5 });
        var dir = Path.Combine(Path.GetTempPath(), "recs-store-bundle-" + Guid.NewGuid().ToString("N"));
        new BundleBuilder(new BuildOptions { Training = new TrainingOptions { Epochs = 1, Dimensions = new TowerDimensions(4, 4, 8, 4), HistoryLength = 10 } }, _ => { }).Build(data, dir);
        return (Bundle.Load(dir), data);
    }
}
