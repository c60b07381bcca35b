using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RecServices.ServiceDefaults;

/// <summary>Loads a service's state off the start-up path, so the process answers health checks (NOT_SERVING) while it loads.</summary>
internal sealed partial class StartupLoader<T>(IServiceProvider services, Readiness<T> readiness, Func<IServiceProvider, CancellationToken, Task<T>> load, ILogger<StartupLoader<T>> logger) : BackgroundService
    where T : class
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(async () =>
    {
        try
        {
            var started = TimeProvider.System.GetTimestamp();
            readiness.Set(await load(services, stoppingToken));
            LogLoaded(logger, typeof(T).Name, TimeProvider.System.GetElapsedTime(started).TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            readiness.Fail("the bundle could not be loaded: " + e.Message);
            LogFailed(logger, e, typeof(T).Name);
        }
    }, stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "{State} loaded in {Seconds:F1} s; serving")]
    private static partial void LogLoaded(ILogger logger, string state, double seconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{State} failed to load; the service stays NOT_SERVING")]
    private static partial void LogFailed(ILogger logger, Exception exception, string state);
}
