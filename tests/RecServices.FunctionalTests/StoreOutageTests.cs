using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RecServices.Contracts.Gateway.V1;
using RecServices.Gateway.Services;
using RecServices.LocalSystem;
using RecServices.Users;
using Xunit.Abstractions;

namespace RecServices.FunctionalTests;

/// <summary>
/// The user store failing the way stores fail in production, on the real engines: a redis-server that hangs (SIGSTOP:
/// connections open, nothing answers) and a SQLite file whose write lock another process holds. The gateway answers
/// like it does for a failed backend: Recommend degraded from the popular items, writes UNAVAILABLE with the retry
/// rule, one log line when the store starts failing, full answers again once it answers.
/// </summary>
public sealed class StoreOutageTests(ITestOutputHelper output)
{
    private const string User = "u1";

    [RedisFact]
    public async Task HungRedis_RecommendDegradedAndWritesUnavailable_FewLogLines_FullAgainAfterSigcont()
    {
        await using var redis = await LocalRedis.StartAsync();
        var gatewayLog = new FakeLoggerProvider();
        await using var system = await StartAsync(
            ["--Recs:UserStore=redis", $"--Recs:Redis={redis.Configuration}", "--Recs:UserStoreTimeoutMs=300"],
            gatewayLog
        );
        Assert.All(await system.RecommendAsync(User, 10), i => Assert.False(i.Degraded));
        var linesBefore = gatewayLog.Collector.Count;

        var answers = new List<List<RecommendResponse>>();
        RpcException write;
        redis.Pause();
        try
        {
            for (var call = 0; call < 20; call++)
            {
                answers.Add(await system.RecommendAsync(User, 10));
            }

            write = await Assert.ThrowsAsync<RpcException>(() => RecordAsync(system, "outage-1"));
        }
        finally
        {
            redis.Resume();
        }

        // full answers again once the store answers; the write retried with its event id lands once
        await TaskTimeouts.Until(
            async () => (await system.RecommendAsync(User, 10)).All(i => !i.Degraded),
            "full answers after SIGCONT"
        );
        var retried = await RecordAsync(system, "outage-1");
        var replayed = await RecordAsync(system, "outage-1");

        Assert.All(
            answers,
            list =>
            {
                Assert.Equal(10, list.Count);
                Assert.All(
                    list,
                    i =>
                    {
                        Assert.True(i.Degraded);
                        Assert.Equal(RecommendationPipeline.StoreReason, i.DegradedReason);
                    }
                );
            }
        );
        Assert.Equal(StatusCode.Unavailable, write.StatusCode);
        Assert.Contains("retry with the same event_id", write.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(retried.HistoryCount, replayed.HistoryCount);
        var lines = gatewayLog.Collector.GetSnapshot().Skip(linesBefore).ToList();
        foreach (var line in lines)
        {
            output.WriteLine($"{line.Level} {line.Category}: {line.Message}");
        }

        // the Warning when it started failing (and, at Information, the line when it answered again): no line per
        // call, no stack trace
        Assert.InRange(lines.Count, 1, 2);
        Assert.All(lines, l => Assert.Null(l.Exception));
        Assert.Contains(lines, l => l.Level == LogLevel.Warning && l.Message.StartsWith("The user store is failing"));
    }

    [Fact]
    public async Task SqliteWriteLockHeldElsewhere_WriteUnavailableWithinTheBudget_RetryRecordsOnce()
    {
        await using var system = await StartAsync(["--Recs:UserStoreTimeoutMs=300"], new FakeLoggerProvider());
        await RecordAsync(system, "locked-0"); // the writer's connection is open

        RpcException write;
        await using (var holder = new SqliteConnection($"Data Source={system.SqliteStorePath};Pooling=False"))
        {
            await holder.OpenAsync();
            await using var transaction = holder.BeginTransaction(deferred: false); // the write lock
            write = await Assert.ThrowsAsync<RpcException>(() => RecordAsync(system, "locked-1"));

            // reads go on beside the writer (write-ahead log): answers stay full
            Assert.All(await system.RecommendAsync(User, 10), i => Assert.False(i.Degraded));
        }

        // the lock released, the retry with the same event id is answered once, whether or not the write that
        // outlived its budget landed meanwhile
        var retried = await RecordAsync(system, "locked-1");
        var replayed = await RecordAsync(system, "locked-1");

        Assert.Equal(StatusCode.Unavailable, write.StatusCode);
        Assert.Contains("retry with the same event_id", write.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(retried.HistoryCount, replayed.HistoryCount);
        var recorded = 0;
        await using (var log = new SqliteUserStore(system.SqliteStorePath, readOnly: true))
        {
            await foreach (var interaction in log.ReadAllAsync(CancellationToken.None))
            {
                recorded += interaction.EventId == "locked-1" ? 1 : 0;
            }
        }

        Assert.Equal(1, recorded);
    }

    private static async Task<ServiceSystem> StartAsync(string[] gatewayArgs, FakeLoggerProvider gatewayLog)
    {
        var built = 0;
        return await ServiceSystem.StartAsync(
            TestBundle.Path,
            gatewayArgs,
            configureServices: services =>
            {
                // retrieval, ranking, gateway: in this order (a retried start builds again)
                if (Interlocked.Increment(ref built) % 3 == 0)
                {
                    services.AddSingleton<ILoggerProvider>(gatewayLog);
                }
            }
        );
    }

    private static async Task<RecordInteractionResponse> RecordAsync(ServiceSystem system, string eventId) =>
        await system
            .GatewayClient.RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = User,
                    ItemId = "i499",
                    Kind = InteractionKind.Watched,
                    EventId = eventId,
                },
                deadline: DateTime.UtcNow.AddSeconds(30)
            )
            .ResponseAsync.WithTimeout();
}
