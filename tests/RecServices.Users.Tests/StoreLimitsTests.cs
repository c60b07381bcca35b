using Microsoft.Extensions.Time.Testing;
using RecServices.Core.Data;
using RecServices.LocalSystem;
using StackExchange.Redis;

namespace RecServices.Users.Tests;

/// <summary>
/// What bounds the store whatever a caller writes (event ids' retention, the per-user log) on a real redis-server
/// and SQLite file, and the Redis password kept out of every message.
/// </summary>
public sealed class StoreLimitsTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [RedisFact]
    public async Task EventIds_ForgottenAfterTheRetention_ARetryThenIsRecordedAgain()
    {
        await using var redis = await LocalRedis.StartAsync();
        var time = new FakeTimeProvider(Now);
        await using var store = new RedisUserStore(
            redis.Configuration,
            new UserStoreLimits(TimeSpan.FromDays(7), 1000),
            time
        );
        await store.InitializeAsync(StoreSeeds.Small(), None);
        var watch = new NewInteraction("u1", "i77", InteractionKind.Watched, null, Now, "evt-1");

        var first = await store.AppendAsync(watch, None);
        time.Advance(TimeSpan.FromDays(6));
        var withinRetention = await store.AppendAsync(watch, None);
        time.Advance(TimeSpan.FromDays(2));
        await store.AppendAsync(watch with { ItemId = "i78", EventId = "evt-2" }, None); // forgets evt-1
        var afterRetention = await store.AppendAsync(watch, None);

        Assert.False(first.Replayed);
        Assert.True(withinRetention.Replayed);
        Assert.False(afterRetention.Replayed); // recorded again: the history holds i77 once, the log twice
        Assert.Equal(first.HistoryCount + 1, afterRetention.HistoryCount);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var db = connection.GetDatabase();
        var ttl = await db.KeyTimeToLiveAsync(RedisKeys.Events("u1"));
        Assert.NotNull(ttl); // an idle user's ids go with the key
        Assert.InRange(ttl.Value, TimeSpan.FromDays(6), TimeSpan.FromDays(7));
    }

    [RedisFact]
    public async Task OneUserLoopingWritesWithFreshEventIds_KeysStayAtThePerUserBound()
    {
        await using var redis = await LocalRedis.StartAsync();
        const int Kept = 100;
        await using var store = new RedisUserStore(
            redis.Configuration,
            new UserStoreLimits(TimeSpan.FromDays(7), Kept)
        );
        await store.InitializeAsync(StoreSeeds.Small(), None);

        for (var n = 0; n < 1000; n++)
        {
            await store.AppendAsync(
                new NewInteraction("flood", $"i{n % 5}", InteractionKind.Watched, null, Now, $"flood-{n}"),
                None
            );
        }

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var db = connection.GetDatabase();
        Assert.Equal(Kept, await db.StreamLengthAsync(RedisKeys.Log("flood")));
        Assert.Equal(Kept, await db.HashLengthAsync(RedisKeys.Events("flood")));
        Assert.Equal(Kept, await db.SortedSetLengthAsync(RedisKeys.EventTimes("flood")));
        Assert.Equal(5, (await store.FindAsync("flood", 10, None))!.ItemCount);
        // the log keeps the newest, and the newest ids are still answered as retries
        var log = new List<RecordedInteraction>();
        await foreach (var entry in store.ReadAllAsync(None))
        {
            log.Add(entry);
        }

        Assert.Equal(
            Enumerable.Range(1000 - Kept, Kept).Select(n => $"flood-{n}"),
            log.Where(e => e.UserId == "flood").Select(e => e.EventId)
        );
        var retry = await store.AppendAsync(
            new NewInteraction("flood", "i4", InteractionKind.Watched, null, Now, "flood-999"),
            None
        );
        Assert.True(retry.Replayed);
    }

    [Fact]
    public async Task Sqlite_OneUserLoopingWritesWithFreshEventIds_RecordedRowsStayAtThePerUserBound()
    {
        using var directory = new TempDirectory();
        const int Kept = 100;
        await using var store = new SqliteUserStore(
            Path.Combine(directory.Path, "users.db"),
            limits: new UserStoreLimits(TimeSpan.FromDays(7), Kept)
        );
        await store.InitializeAsync(StoreSeeds.Small(), None);

        for (var n = 0; n < 1000; n++)
        {
            await store.AppendAsync(
                new NewInteraction("flood", $"i{n % 5}", InteractionKind.Watched, null, Now, $"flood-{n}"),
                None
            );
        }

        var log = new List<RecordedInteraction>();
        await foreach (var entry in store.ReadAllAsync(None))
        {
            log.Add(entry);
        }

        var kept = log.Where(e => e.UserId == "flood").Select(e => e.EventId).ToList();
        Assert.InRange(kept.Count, Kept, Kept + SqliteWriterTrimEvery - 1);
        Assert.Equal(Enumerable.Range(1000 - kept.Count, kept.Count).Select(n => $"flood-{n}"), kept);
        Assert.Equal(5, (await store.FindAsync("flood", 10, None))!.ItemCount); // the history is not the log
        var retry = await store.AppendAsync(
            new NewInteraction("flood", "i4", InteractionKind.Watched, null, Now, "flood-999"),
            None
        );
        Assert.True(retry.Replayed);
    }

    /// <summary>How often the SQLite writer trims a user's recorded rows (internal to the store).</summary>
    private const int SqliteWriterTrimEvery = 64;

    [RedisFact]
    public async Task Password_FromItsOwnSetting_NeverInAMessageOrADescription()
    {
        const string Password = "s3cret-Pa55word";
        await using var redis = await LocalRedis.StartAsync(settings: ["--requirepass", Password]);
        await using var withPassword = new RedisUserStore(
            redis.Configuration,
            access: new RedisAccess(Password: Password)
        );
        await using var wrong = new RedisUserStore(
            redis.Configuration + ",connectTimeout=2000",
            access: new RedisAccess(Password: "wrong-" + Password)
        );

        await withPassword.InitializeAsync(StoreSeeds.Small(), None);
        var recorded = await withPassword.AppendAsync(
            new NewInteraction("u1", "i77", InteractionKind.Watched, null, Now, "evt-1"),
            None
        );
        var refused = await Assert.ThrowsAsync<UserStoreUnavailableException>(() => wrong.FindAsync("u1", 10, None));

        Assert.False(recorded.Replayed);
        Assert.DoesNotContain(Password, refused.ToString(), StringComparison.Ordinal);
        var described = UserStores.Describe($"redis://{redis.Configuration},password={Password}");
        Assert.DoesNotContain(Password, described, StringComparison.Ordinal);
        Assert.StartsWith("redis://127.0.0.1:", described, StringComparison.Ordinal);
    }
}
