namespace RecServices.Users.Tests;

/// <summary>
/// What an acknowledged write survives, with real processes: a writer killed with SIGKILL in mid-stream, and (Redis)
/// redis-server itself killed with SIGKILL and restarted from its append-only file.
/// </summary>
public sealed class DurabilityTests
{
    [Theory, SqliteStore, RedisStore]
    public async Task Append_WriterKilledWithSigkill_EveryAcknowledgedWriteIsThereAfterReopen(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var (storeKind, target) = store.WriterTarget;
        await using var writer = WriterProcess.Start(storeKind, target, "writer");

        await writer.UntilAcknowledgedAsync(300);
        var acknowledged = await writer.KillAsync();

        var reopened = store.Open();
        await reopened.InitializeAsync(StoreSeeds.Empty, CancellationToken.None);
        var logged = (await store.ReadLogAsync()).Where(e => e.UserId == "writer").Select(e => e.EventId).ToHashSet();
        Assert.True(acknowledged.Count >= 300);
        Assert.All(acknowledged, id => Assert.Contains(id, logged));
        Assert.True(
            logged.Count <= acknowledged.Count + 1,
            "at most the one write in flight at the kill was recorded without an ack"
        );
        var user = await reopened.FindAsync("writer", 1000, CancellationToken.None);
        Assert.Equal(Math.Min(logged.Count, 1000), user!.ItemCount); // items i0 … i999 in turn
    }

    [Theory, RedisStore]
    public async Task Append_RedisServerKilledWithSigkillAndRestarted_AcknowledgedWritesSurviveAndRetriesRecordOnce(
        StoreKind kind
    )
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var (storeKind, target) = store.WriterTarget;
        await using var writer = WriterProcess.Start(storeKind, target, "writer");

        await writer.UntilAcknowledgedAsync(200);
        await store.Redis!.KillAsync();
        var beforeRestart = writer.Acknowledged.Count;
        await writer.UntilFailingAsync(1);
        await store.Redis.RestartAsync().WithTimeout();
        await writer.UntilAcknowledgedAsync(beforeRestart + 100); // the writer retries its failed event, then goes on
        var acknowledged = await writer.KillAsync();

        var log = (await store.ReadLogAsync()).Where(e => e.UserId == "writer").ToList();
        var logged = log.Select(e => e.EventId).ToList();
        Assert.All(acknowledged, id => Assert.Contains(id, logged));
        Assert.Equal(logged.Count, logged.Distinct().Count()); // the retried event is there once
    }
}
