using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.ServiceDefaults;
using RecServices.Users;

namespace RecServices.Gateway.Services;

/// <summary>
/// Every call to the user store goes through here, like a backend call: within a budget
/// (<see cref="GatewayOptions.UserStoreTimeoutMs"/>, never past the caller's deadline), behind a circuit breaker (a
/// store that hangs costs a skipped call microseconds, not the budget), and logged when the store's state changes
/// (reachable → failing → reachable, <see cref="FailureLog"/>), never once per call and never with a stack trace.
/// A failure of the store (an error, no answer within the budget, or skipped while the breaker is open) is thrown as
/// <see cref="UserStoreUnavailableException"/>: the pipeline answers degraded, a write answers UNAVAILABLE
/// (<see cref="Unavailable"/>). The caller's own cancellation or deadline propagates and counts as nothing. Says once
/// at start what an acknowledged write survives.
/// </summary>
public sealed partial class UserStoreHealth
{
    /// <summary>The dependency's name in <c>recs.gateway.degraded_responses</c>.</summary>
    public const string Dependency = "user-store";

    /// <summary>The problem of a call the open breaker skipped (not a call to the store).</summary>
    private const string Skipped = "skipped";

    private readonly ILogger<UserStoreHealth> _logger;
    private readonly TimeProvider _time;
    private readonly FailureLog _failures;
    private readonly Breaker _breaker;
    private readonly TimeSpan _budget;

    public UserStoreHealth(ILogger<UserStoreHealth> logger, IOptions<GatewayOptions> options, TimeProvider time)
    {
        (_logger, _time) = (logger, time);
        var o = options.Value;
        _failures = new FailureLog(
            logger,
            "The user store",
            "Recommend answers the popular items (degraded) and writes answer UNAVAILABLE",
            time
        );
        _breaker = new Breaker(o.BreakerFailures, TimeSpan.FromMilliseconds(o.BreakerOpenMs), time);
        _budget = TimeSpan.FromMilliseconds(o.UserStoreTimeoutMs);
    }

    /// <summary>
    /// Runs <paramref name="call"/> within the budget (bounded by <paramref name="callerDeadline"/>). Throws
    /// <see cref="UserStoreUnavailableException"/> when the store failed, did not answer in time, or is skipped by the
    /// open breaker; the outcome is logged and fed to the breaker here. A call that outlives its budget is left to
    /// finish (or fail) on its own and observed.
    /// </summary>
    public async Task<T> CallAsync<T>(
        Func<CancellationToken, Task<T>> call,
        DateTime callerDeadline,
        CancellationToken cancellationToken
    )
    {
        if (!_breaker.Allow())
        {
            throw new UserStoreUnavailableException(
                "the user store is skipped after repeated failures",
                problem: Skipped
            );
        }

        var left = callerDeadline == DateTime.MaxValue ? _budget : callerDeadline - _time.GetUtcNow().UtcDateTime;
        var budget = left < _budget ? left : _budget;
        var callersDeadlineFirst = left < _budget;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<T>? task = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (budget <= TimeSpan.Zero)
            {
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, "the call's deadline passed"));
            }

            timeout.CancelAfter(budget);
            task = call(timeout.Token);
            var result = await task.WaitAsync(budget, _time, cancellationToken);
            Succeeded();
            return result;
        }
        catch (UserStoreUnavailableException e)
        {
            Failed(e.Problem);
            throw;
        }
        catch (Exception e)
            when (e is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (callersDeadlineFirst)
            {
                // the caller's deadline, not the store: nothing to count
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, "the call's deadline passed"));
            }

            // left running: its late failure is observed here, not reported as unobserved
            _ = task?.ContinueWith(
                static t => _ = t.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default
            );
            Failed("no answer within " + (int)_budget.TotalMilliseconds + " ms");
            throw new UserStoreUnavailableException(
                $"the user store did not answer within {(int)_budget.TotalMilliseconds} ms",
                e,
                "no answer within the budget"
            );
        }
    }

    /// <summary>A write's answer when the store failed: UNAVAILABLE, retry with the same event id.</summary>
    public static RpcException Unavailable(UserStoreUnavailableException e, string advice) =>
        new(
            new Status(
                StatusCode.Unavailable,
                e.Problem == Skipped
                    ? $"the user store is unavailable (failing; calls are skipped for a moment); {advice}"
                    : $"the user store is unavailable; {advice}"
            )
        );

    /// <summary>
    /// Logs once at start: whether this gateway seeded the store, and what an acknowledged write survives.
    /// </summary>
    public async Task ReportStartAsync(IUserStore store, string? seededFrom, CancellationToken cancellationToken)
    {
        if (seededFrom is not null)
        {
            LogSeeded(_logger, seededFrom);
        }

        var durability = await store.DescribeDurabilityAsync(cancellationToken);
        if (durability.EveryWriteSynced)
        {
            LogDurable(_logger, durability.Description);
        }
        else
        {
            LogNotDurable(_logger, durability.Description);
        }
    }

    private void Succeeded()
    {
        _failures.Succeeded();
        _breaker.Succeeded();
    }

    private void Failed(string problem)
    {
        _failures.Failed(problem);
        _breaker.Failed();
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
