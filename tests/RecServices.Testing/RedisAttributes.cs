using System.Reflection;
using Xunit.Sdk;

namespace RecServices.Testing;

/// <summary>
/// Why a test that starts redis-server cannot run here, or null when it can (the same lookup as LocalRedis:
/// $RECS_REDIS_SERVER, else PATH).
/// </summary>
public static class RedisAvailability
{
    public static string? Missing { get; } =
        Find() is null
            ? "redis-server not found: install it (Debian: apt-get install redis-server, as .ci/run does) "
                + "or set RECS_REDIS_SERVER"
            : null;

    /// <summary>redis-cli beside redis-server (Debian installs both), or null.</summary>
    public static string? Cli { get; } =
        Find() is { } server && File.Exists(Path.Combine(Path.GetDirectoryName(server)!, "redis-cli"))
            ? Path.Combine(Path.GetDirectoryName(server)!, "redis-cli")
            : null;

    /// <summary>Why a test that starts a Redis Cluster cannot run here, or null when it can.</summary>
    public static string? ClusterMissing { get; } =
        Missing
        ?? (
            Cli is null
                ? "redis-cli not found beside redis-server (Debian: apt-get install redis-server installs both)"
                : null
        );

    private static string? Find() =>
        Environment.GetEnvironmentVariable("RECS_REDIS_SERVER") is { Length: > 0 } configured && File.Exists(configured)
            ? configured
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, "redis-server"))
                .FirstOrDefault(File.Exists);
}

/// <summary>A fact that starts its own redis-server; skipped, saying why, when there is none.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute() => Skip = RedisAvailability.Missing;
}

/// <summary>
/// One theory row with the given values that needs redis-server; skipped, saying why, when there is none.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class RedisInlineDataAttribute(params object[] data) : DataAttribute
{
    public override string? Skip
    {
        get => RedisAvailability.Missing;
        set { }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [data];
}
