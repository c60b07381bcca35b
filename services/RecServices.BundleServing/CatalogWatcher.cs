using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RecServices.Users;

namespace RecServices.BundleServing;

/// <summary>
/// Polls the store's live-catalog version every <see cref="StoreOptions.CatalogPollMs"/> and applies what changed to
/// <see cref="LiveCatalog"/>: a change acknowledged through any replica of any service is applied by this process
/// within a poll and a read. A store that stops answering is logged when that state changes, not on every poll; a
/// store nobody has initialised yet reads as version 0.
/// </summary>
public sealed partial class CatalogWatcher(
    ICatalogStore store,
    LiveCatalog live,
    TimeSpan interval,
    TimeProvider time,
    ILogger<CatalogWatcher> logger,
    IAsyncDisposable? ownedStore = null
) : BackgroundService
{
    private bool _failing;

    /// <summary>Stops polling, then closes the store when it opened it for itself.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (ownedStore is not null)
        {
            await ownedStore.DisposeAsync();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
        try
        {
            var applied = live.Current.Version;
            if (await store.CatalogVersionAsync(cancellationToken) != applied)
            {
                live.Apply(await store.ReadCatalogChangesAsync(applied, cancellationToken));
            }

            live.Tick();

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
