using BenchmarkDotNet.Attributes;
using RecServices.Serving.Pipeline;
using RecServices.Users;

namespace RecServices.Benchmarks;

/// <summary>
/// The gateway's read of a user (profile and newest items) from the SQLite store seeded with the bundle's users, the
/// way every Recommend reads it: a pooled connection, the default history limit.
/// </summary>
[MemoryDiagnoser]
public class UserStoreBenchmarks : IDisposable
{
    private SqliteUserStore _store = null!;
    private string _path = null!;
    private string[] _users = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var bundle = BenchBundle.Instance.Bundle;
        _path = Path.Combine(Path.GetTempPath(), $"recs-bench-{Guid.NewGuid():N}.db");
        _store = new SqliteUserStore(_path);
        var seed = UserStoreSeed.From(bundle);
        _store.InitializeAsync(seed, CancellationToken.None).GetAwaiter().GetResult();
        _users = [.. seed.Users.Select(u => u.Id)];
    }

    [Benchmark]
    public async Task<int> FindUser()
    {
        var user = await _store.FindAsync(
            _users[_next++ % _users.Length],
            TwoStagePipeline.DefaultHistoryLimit,
            CancellationToken.None
        );
        return user?.History.Count ?? 0;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_path);
        File.Delete(_path + "-wal");
        File.Delete(_path + "-shm");
        GC.SuppressFinalize(this);
    }
}
