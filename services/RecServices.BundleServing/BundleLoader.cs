using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RecServices.Core.Bundles;
using RecServices.ServiceDefaults;

namespace RecServices.BundleServing;

/// <summary>
/// Loads a service's state from the version its bundle root serves, off the start-up path (the process answers
/// health checks, NOT_SERVING, while it loads), then watches the root's <c>current</c> pointer every
/// <see cref="RecsOptions.BundlePollSeconds"/>: a newly promoted version is loaded and fully validated in the
/// background (every checksum, every table this stage reads, its ONNX session) and swapped in with one reference
/// assignment. A version that fails is refused: the old one keeps serving, health stays SERVING, the error names
/// the file, and it is not tried again until <c>current</c> changes. The replaced state stays reachable for
/// <see cref="RecsOptions.PreviousVersionSeconds"/>, then is disposed. Failures are logged when they change.
/// </summary>
internal sealed partial class BundleLoader<T>(
    IServiceProvider services,
    Readiness<T> readiness,
    RecsOptions options,
    BundleMetrics metrics,
    Func<IServiceProvider, string, CancellationToken, Task<T>> load,
    ILogger<BundleLoader<T>> logger
) : BackgroundService
    where T : class, IServedBundle
{
    // The loop's state: the directory served, the one refused (not retried until promoted anew), the last failure
    // logged (a repeating failure is logged once).
    private string? _loaded;
    private string? _refused;
    private string? _lastFailure;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var root = new BundleRoot(options.BundlePath);
        while (!stoppingToken.IsCancellationRequested)
        {
            string? directory = null;
            try
            {
                directory = root.ServedDirectory();
                if (directory == _loaded)
                {
                    // rolled back to what is served: a later promotion of the refused one is tried again
                    _refused = null;
                }
                else if (directory != _refused)
                {
                    await LoadAsync(directory, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Failed(e, directory);
            }

            await Task.Delay(
                TimeSpan.FromSeconds(_loaded is null ? options.LoadRetrySeconds : options.BundlePollSeconds),
                stoppingToken
            );
        }
    }

    /// <summary>Loads <paramref name="directory"/>'s bundle and swaps it in; the one it replaces retires.</summary>
    private async Task LoadAsync(string directory, CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        var state = await Task.Run(() => load(services, directory, stoppingToken), stoppingToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var replaced = readiness.Swap(state);
        (_loaded, _refused, _lastFailure) = (directory, null, null);
        metrics.Loaded(state.Bundle.Manifest.Version, seconds);
        LogServing(logger, state.Bundle.Manifest.Version, seconds, replaced?.Bundle.Manifest.Version ?? "none");
        if (replaced is not null)
        {
            // What loading left behind (hashing, parsing) is garbage now: collect it so the grace period holds two
            // versions, not two versions and the debris of loading one.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
            _ = RetireAsync(replaced, stoppingToken);
        }
    }

    /// <summary>
    /// A load that failed: before anything is served the service stays not ready and retries; afterwards the
    /// version is refused and the served one stays. Logged when the failure changes, not on every attempt.
    /// </summary>
    private void Failed(Exception e, string? directory)
    {
        if (_loaded is null)
        {
            readiness.Fail(
                $"the bundle at '{options.BundlePath}' could not be loaded ({e.Message}); "
                    + $"retrying every {options.LoadRetrySeconds} s"
            );
        }
        else if (directory is not null && directory != _refused)
        {
            _refused = directory;
            readiness.Refuse(directory, e.Message);
            metrics.Refused();
        }

        if (e.Message == _lastFailure)
        {
            return;
        }

        _lastFailure = e.Message;
        if (_loaded is null)
        {
            LogFailed(logger, e, typeof(T).Name, options.LoadRetrySeconds);
        }
        else
        {
            LogRefused(logger, e, directory ?? options.BundlePath, readiness.Value!.Bundle.Manifest.Version);
        }
    }

    /// <summary>
    /// The replaced state serves requests pinned to it for the grace period, then is dropped and disposed.
    /// </summary>
    private async Task RetireAsync(T replaced, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(options.PreviousVersionSeconds), stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return; // the host is stopping: the process ends anyway
        }

        readiness.ForgetPrevious(replaced);
        (replaced as IDisposable)?.Dispose();

        // A version is retired a few times a day: a full compacting collection returns its memory to the system now
        // (and finalizes its memory maps) instead of whenever the heap next grows.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Serving bundle version {Version} (loaded and validated in {Seconds:F1} s; was {Previous})"
    )]
    private static partial void LogServing(ILogger logger, string version, double seconds, string previous);

    [LoggerMessage(
        Level = LogLevel.Error,
        Message = "{State} failed to load; NOT_SERVING, retrying every {Seconds} s (logged again when the failure "
            + "changes)"
    )]
    private static partial void LogFailed(ILogger logger, Exception exception, string state, double seconds);

    [LoggerMessage(
        Level = LogLevel.Error,
        Message = "Refused the bundle version at {Directory}; still serving {Serving} (tried again when 'current' "
            + "changes)"
    )]
    private static partial void LogRefused(ILogger logger, Exception exception, string directory, string serving);
}
