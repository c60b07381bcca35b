using System.Text.Json.Serialization;
using RecServices.LocalSystem;

namespace RecServices.Lab.Load;

/// <summary>
/// The .NET runtime's own counters of each service (the <c>System.Runtime</c> meter on its /metrics): bytes allocated,
/// thread-pool work items, garbage collections and their pause time, lock contentions. Read before and after a measured
/// window, their differences per call say where a process's CPU goes besides the work itself.
/// </summary>
public sealed class RuntimeCounters(IReadOnlyList<(string Name, string MetricsAddress)> services)
{
    private MetricsPage[] _before = [];

    /// <summary>
    /// The three services of <paramref name="services"/>, by the names <see cref="CpuWindow.Of"/> gives them.
    /// </summary>
    public static RuntimeCounters Of(LocalServices services) =>
        new([.. services.Processes.Select((p, i) => (CpuWindow.ShortName(p.Name), services.MetricsAddress(i)))]);

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _before = await Task.WhenAll(services.Select(s => MetricsPage.ReadAsync(s.MetricsAddress, cancellationToken)));

    /// <summary>Per call since <see cref="StartAsync"/>, by service: what the runtime counted.</summary>
    public async Task<IReadOnlyDictionary<string, RuntimePerCall>> PerCallAsync(
        long calls,
        CancellationToken cancellationToken
    )
    {
        var after = await Task.WhenAll(
            services.Select(s => MetricsPage.ReadAsync(s.MetricsAddress, cancellationToken))
        );
        double Delta(int i, string counter) => after[i].Sum(counter) - _before[i].Sum(counter);
        var n = Math.Max(calls, 1);
        return services
            .Select(
                (s, i) =>
                    (
                        s.Name,
                        new RuntimePerCall(
                            Math.Round(Delta(i, "dotnet_gc_heap_total_allocated_bytes_total") / n / 1024, 1),
                            Math.Round(Delta(i, "dotnet_thread_pool_work_item_count_total") / n, 1),
                            Math.Round(Delta(i, "dotnet_gc_collections_total") * 1000 / n, 2),
                            Math.Round(Delta(i, "dotnet_gc_pause_time_seconds_total") * 1e6 / n, 1),
                            Math.Round(Delta(i, "dotnet_monitor_lock_contentions_total") / n, 3)
                        )
                    )
            )
            .ToDictionary(p => p.Name, p => p.Item2);
    }
}

/// <summary>One service's runtime counters per call over a measured window.</summary>
public sealed record RuntimePerCall(
    [property: JsonPropertyName("allocated_kb")] double AllocatedKb,
    [property: JsonPropertyName("thread_pool_work_items")] double WorkItems,
    [property: JsonPropertyName("gcs_per_1000_calls")] double GcsPerThousand,
    [property: JsonPropertyName("gc_pause_us")] double GcPauseMicroseconds,
    [property: JsonPropertyName("lock_contentions")] double LockContentions
);
