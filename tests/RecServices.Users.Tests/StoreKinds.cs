using System.Reflection;
using Xunit.Sdk;

namespace RecServices.Users.Tests;

/// <summary>The contract suite's data: the SQLite store (always).</summary>
public sealed class SqliteStoreAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        [
            [StoreKind.Sqlite],
        ];
}

/// <summary>
/// The contract suite's data: the Redis store, on a redis-server the test starts; skipped, saying why, without one.
/// </summary>
public sealed class RedisStoreAttribute : DataAttribute
{
    public RedisStoreAttribute() => Skip = RedisAvailability.Missing;

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        [
            [StoreKind.Redis],
        ];
}

/// <summary>
/// The contract suite's data: the Redis store on a three-node Redis Cluster the test starts; skipped, saying why,
/// without redis-server and redis-cli.
/// </summary>
public sealed class RedisClusterStoreAttribute : DataAttribute
{
    public RedisClusterStoreAttribute() => Skip = RedisAvailability.ClusterMissing;

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        [
            [StoreKind.RedisCluster],
        ];
}

public enum StoreKind
{
    Sqlite,
    Redis,
    RedisCluster,
}
