using RecServices.LocalSystem;

namespace RecServices.Users.Tests;

/// <summary>
/// One store for one test: a SQLite file in a temporary directory, or a redis-server of its own on a free loopback
/// port (append-only file, fsync always) in one. <see cref="Open"/> gives a new client each time (its own connections),
/// as a second gateway replica or a restarted one would have.
/// </summary>
public sealed class StoreUnderTest : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<IUserStore> _opened = [];

    private StoreUnderTest(StoreKind kind)
    {
        Kind = kind;
    }

    public StoreKind Kind { get; }

    public LocalRedis? Redis { get; private set; }

    public LocalRedisCluster? Cluster { get; private set; }

    /// <summary>The Redis configuration string (a single server or every cluster node).</summary>
    private string RedisConfiguration => Cluster?.Configuration ?? Redis!.Configuration;

    /// <summary>The writer child's arguments for this store: kind and target.</summary>
    public (string Kind, string Target) WriterTarget =>
        Kind == StoreKind.Sqlite ? ("sqlite", SqlitePath) : ("redis", RedisConfiguration);

    private string SqlitePath => Path.Combine(_directory.Path, "users.db");

    public static async Task<StoreUnderTest> StartAsync(StoreKind kind)
    {
        var store = new StoreUnderTest(kind);
        if (kind == StoreKind.Redis)
        {
            store.Redis = await LocalRedis
                .StartAsync(Path.Combine(store._directory.Path, "redis"))
                .WithTimeout(TaskTimeouts.LocalRedisStart);
        }
        else if (kind == StoreKind.RedisCluster)
        {
            store.Cluster = await LocalRedisCluster.StartAsync(Path.Combine(store._directory.Path, "cluster"));
        }

        return store;
    }

    public IUserStore Open()
    {
        IUserStore store =
            Kind == StoreKind.Sqlite ? new SqliteUserStore(SqlitePath) : new RedisUserStore(RedisConfiguration);
        _opened.Add(store);
        return store;
    }

    /// <summary>The interaction log as training reads it.</summary>
    public Task<List<Core.Data.RecordedInteraction>> ReadLogAsync() =>
        ReadAsTrainingAsync(log => log.ReadAllAsync(CancellationToken.None));

    /// <summary>The erasures as training reads them.</summary>
    public Task<List<Core.Data.Erasure>> ReadErasuresAsync() =>
        ReadAsTrainingAsync(log => log.ReadErasuresAsync(CancellationToken.None));

    /// <summary>What <paramref name="read"/> gives from the store opened as training opens it.</summary>
    private async Task<List<T>> ReadAsTrainingAsync<T>(Func<IInteractionLog, IAsyncEnumerable<T>> read)
    {
        await using var log = UserStores.OpenLog(
            Kind == StoreKind.Sqlite ? SqlitePath : UserStores.RedisScheme + RedisConfiguration
        );
        var all = new List<T>();
        await foreach (var entry in read(log).WithTimeoutEach())
        {
            all.Add(entry);
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
