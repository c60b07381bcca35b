using Grpc.Core;
using RecServices.ServiceDefaults;

namespace RecServices.Gateway.Services;

/// <summary>
/// What the gateway knows of one backend's health: its circuit breaker (skip it after repeated failures, probe it
/// again later) and its failure log (one Warning when it starts failing, a reminder while it keeps failing, one
/// Information when it answers again). Every call's outcome goes to both, here.
/// </summary>
internal sealed class BackendHealth(
    ILogger logger,
    string name,
    string consequence,
    GatewayOptions options,
    TimeProvider time
)
{
    private readonly FailureLog _log = new(logger, name, consequence, time);
    private readonly Breaker _breaker = new(
        options.BreakerFailures,
        TimeSpan.FromMilliseconds(options.BreakerOpenMs),
        time
    );

    /// <summary>Whether to call the backend now (false while its breaker is open, between probes).</summary>
    public bool Allow() => _breaker.Allow();

    /// <summary>A call answered.</summary>
    public void Succeeded()
    {
        _log.Succeeded();
        _breaker.Succeeded();
    }

    /// <summary>A call failed with <paramref name="status"/> (a failure of the backend, not of our caller).</summary>
    public void Failed(StatusCode status)
    {
        _log.Failed(status.ToString());
        _breaker.Failed();
    }
}
