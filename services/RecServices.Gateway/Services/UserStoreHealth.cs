using RecServices.ServiceDefaults;
using RecServices.Users;

namespace RecServices.Gateway.Services;

/// <summary>
/// Turns the user store's failures into gRPC answers and logs them when the store's state changes (reachable →
/// failing → reachable, <see cref="FailureLog"/>), never once per call. Says once at start what an acknowledged
/// write survives.
/// </summary>
public sealed partial class UserStoreHealth(ILogger<UserStoreHealth> logger, TimeProvider time)
{
    private readonly FailureLog _failures = new(logger, "The user store", "answering UNAVAILABLE", time);

    /// <summary>
    /// Runs a store call: a store failure becomes UNAVAILABLE with <paramref name="advice"/> (what the caller
    /// should do).
    /// </summary>
    public async Task<T> CallAsync<T>(Func<Task<T>> call, string advice)
    {
        T result;
        try
        {
            result = await call();
        }
        catch (UserStoreUnavailableException e)
        {
            _failures.Failed(e.Message);
            throw new Grpc.Core.RpcException(
                new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, $"the user store is unavailable; {advice}")
            );
        }

        _failures.Succeeded();
        return result;
    }

    /// <summary>
    /// Logs once at start: whether this gateway seeded the store, and what an acknowledged write survives.
    /// </summary>
    public async Task ReportStartAsync(IUserStore store, string? seededFrom, CancellationToken cancellationToken)
    {
        if (seededFrom is not null)
        {
            LogSeeded(logger, seededFrom);
        }

        var durability = await store.DescribeDurabilityAsync(cancellationToken);
        if (durability.EveryWriteSynced)
        {
            LogDurable(logger, durability.Description);
        }
        else
        {
            LogNotDurable(logger, durability.Description);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the empty user store from bundle {Version}")]
    private static partial void LogSeeded(ILogger logger, string version);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "User store: {Description}; every acknowledged interaction is fsynced first"
    )]
    private static partial void LogDurable(ILogger logger, string description);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "User store: {Description}; acknowledged interactions are not fsynced one by one and a crash of "
            + "the store can lose the last ones (set appendonly yes and appendfsync always)"
    )]
    private static partial void LogNotDurable(ILogger logger, string description);
}
