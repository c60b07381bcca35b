using Microsoft.Extensions.Options;
using RecServices.BundleServing;
using RecServices.Users;

namespace RecServices.Gateway.Services;

/// <summary>
/// Polls the store's live-catalog version every <see cref="GatewayOptions.CatalogPollMs"/> and applies what changed
/// to <see cref="LiveCatalog"/>: a change acknowledged through any replica is served by this one within a poll and a
/// read. A store that stops answering is logged when that state changes, not on every poll.
/// </summary>
public sealed partial class CatalogWatcher(
    Readiness<GatewayState> readiness,
    ICatalogStore store,
    LiveCatalog live,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<CatalogWatcher> logger
) : BackgroundService
{
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.CatalogPollMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            await PollOnceAsync(stoppingToken);
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One poll: the version, and the changes when it moved (the service polls on a timer).</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        if (readiness.Value is null)
        {
            return; // the store is initialised with the first bundle: nothing to read before it
        }

        try
        {
            var applied = live.Current.Version;
            if (await store.CatalogVersionAsync(cancellationToken) != applied)
            {
                live.Apply(await store.ReadCatalogChangesAsync(applied, cancellationToken));
            }

            if (_failing)
            {
                _failing = false;
                LogRecovered(logger, live.Current.Version);
            }
        }
        catch (UserStoreUnavailableException e) when (!cancellationToken.IsCancellationRequested)
        {
            if (!_failing)
            {
                _failing = true;
                LogFailing(logger, live.Current.Version, e.Message);
            }
        }
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Live catalog: cannot read the store's changes; serving version {Version} until it answers: {Reason}"
    )]
    private static partial void LogFailing(ILogger logger, long version, string reason);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Live catalog: reading the store again, at version {Version}"
    )]
    private static partial void LogRecovered(ILogger logger, long version);
}
