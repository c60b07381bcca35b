using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RecServices.ServiceDefaults;

/// <summary>
/// Loads a service's state off the start-up path, so the process answers health checks (NOT_SERVING)
/// while it loads. A failed load (no bundle yet, a bundle being written, a corrupted file) is logged and
/// retried every <see cref="RecsOptions.LoadRetrySeconds"/> until it succeeds or the host stops.
/// </summary>
internal sealed partial class StartupLoader<T>(
    IServiceProvider services, Readiness<T> readiness, RecsOptions options, Func<IServiceProvider, CancellationToken, Task<T>> load, ILogger<StartupLoader<T>> logger)
    : BackgroundService
    where T : class
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        string? lastFailure = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = TimeProvider.System.GetTimestamp();
                readiness.Set(await Task.Run(() => load(services, stoppingToken), stoppingToken));
                LogLoaded(logger, typeof(T).Name, TimeProvider.System.GetElapsedTime(started).TotalSeconds);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                readiness.Fail($"the bundle at '{options.BundlePath}' could not be loaded ({e.Message}); retrying every {options.LoadRetrySeconds} s");
                if (e.Message != lastFailure)
                {
                    LogFailed(logger, e, typeof(T).Name, options.LoadRetrySeconds);
                    lastFailure = e.Message;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(options.LoadRetrySeconds), stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{State} loaded in {Seconds:F1} s; serving")]
    private static partial void LogLoaded(ILogger logger, string state, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{State} failed to load; NOT_SERVING, retrying every {Seconds} s (logged again when the failure changes)")]
    private static partial void LogFailed(ILogger logger, Exception exception, string state, double seconds);
}
