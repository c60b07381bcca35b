using System.Diagnostics.Metrics;
using RecServices.BundleServing;
using RecServices.ServiceDefaults.Telemetry;
using RecServices.Users;

namespace RecServices.Gateway.Services;

/// <summary>
/// How full the user store is, as two gauges an alert divides (<c>recs.user_store.used</c> and
/// <c>recs.user_store.limit</c>, bytes): read from the store every <see cref="Interval"/> in the background, never on
/// a scrape. A store that does not answer keeps the last reading (its failure is the store's health to log).
/// With Redis at maxmemory and noeviction every write fails: the alert comes before.
/// </summary>
internal sealed class UserStoreFill : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly Readiness<GatewayState> _readiness;
    private readonly TimeProvider _time;
    private StoreFill? _last;

    public UserStoreFill(Readiness<GatewayState> readiness, IMeterFactory meters, TimeProvider time)
    {
        (_readiness, _time) = (readiness, time);
        var meter = meters.Create(RecsTelemetry.MeterName);
        meter.CreateObservableGauge(
            "recs.user_store.used",
            () => Observe(f => f.UsedBytes),
            "By",
            "What the user store holds (Redis used_memory; SQLite file and log)"
        );
        meter.CreateObservableGauge(
            "recs.user_store.limit",
            () => Observe(f => f.LimitBytes),
            "By",
            "What the user store may hold before writes fail (Redis maxmemory; SQLite file plus free disk)"
        );
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                // every Interval once the store is open; until then, soon again
                var wait = await ReadAsync(stoppingToken) ? Interval : TimeSpan.FromMilliseconds(250);
                await Task.Delay(wait, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>One reading; false while no bundle is loaded (the store is opened with the first one).</summary>
    private async Task<bool> ReadAsync(CancellationToken stoppingToken)
    {
        if (_readiness.Value is not { } state)
        {
            return false;
        }

        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            budget.CancelAfter(TimeSpan.FromSeconds(5));
            Volatile.Write(ref _last, await state.Store.FillAsync(budget.Token).WaitAsync(budget.Token));
        }
        catch (Exception e)
            when (e is UserStoreUnavailableException or OperationCanceledException
                && !stoppingToken.IsCancellationRequested
            )
        {
            // keep the last reading
        }

        return true;
    }

    private IEnumerable<Measurement<long>> Observe(Func<StoreFill, long> value) =>
        Volatile.Read(ref _last) is { } fill ? [new Measurement<long>(value(fill))] : [];
}
