using System.Globalization;
using System.Text.Json.Serialization;

namespace RecServices.Cli.Load;

/// <summary>
/// The .NET runtime's own counters of each service (the <c>System.Runtime</c> meter on its /metrics): bytes allocated,
/// thread-pool work items, garbage collections and their pause time, lock contentions. Read before and after a measured
/// window, their differences per call say where a process's CPU goes besides the work itself.
/// </summary>
public sealed class RuntimeCounters(IReadOnlyList<(string Name, string MetricsAddress)> services) : IDisposable
{
    private static readonly string[] Counters =
    [
        "dotnet_gc_heap_total_allocated_bytes_total", "dotnet_thread_pool_work_item_count_total", "dotnet_gc_collections_total",
        "dotnet_gc_pause_time_seconds_total", "dotnet_monitor_lock_contentions_total",
    ];

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Dictionary<string, double>[] _before = [];

    /// <summary>The three services of <paramref name="services"/>, by the names <see cref="CpuWindow.Of"/> gives them.</summary>
    public static RuntimeCounters Of(Hosting.LocalServices services) =>
        new([.. services.Processes.Select((p, i) => (CpuWindow.ShortName(p.Name), services.MetricsAddress(i)))]);

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _before = await Task.WhenAll(services.Select(s => ReadAsync(s.MetricsAddress, cancellationToken)));

    /// <summary>Per call since <see cref="StartAsync"/>, by service: what the runtime counted.</summary>
    public async Task<IReadOnlyDictionary<string, RuntimePerCall>> PerCallAsync(long calls, CancellationToken cancellationToken)
    {
        var after = await Task.WhenAll(services.Select(s => ReadAsync(s.MetricsAddress, cancellationToken)));
        double Delta(int i, string counter) => after[i].GetValueOrDefault(counter) - _before[i].GetValueOrDefault(counter);
        var n = Math.Max(calls, 1);
        return services.Select((s, i) => (s.Name, new RuntimePerCall(
                Math.Round(Delta(i, Counters[0]) / n / 1024, 1),
                Math.Round(Delta(i, Counters[1]) / n, 1),
                Math.Round(Delta(i, Counters[2]) * 1000 / n, 2),
                Math.Round(Delta(i, Counters[3]) * 1e6 / n, 1),
                Math.Round(Delta(i, Counters[4]) / n, 3))))
            .ToDictionary(p => p.Name, p => p.Item2);
    }

    /// <summary>The counters of one /metrics page, each summed over its label sets.</summary>
    private async Task<Dictionary<string, double>> ReadAsync(string address, CancellationToken cancellationToken)
    {
        var page = await _http.GetStringAsync(new Uri(address), cancellationToken);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in page.Split('\n'))
        {
            var name = line.Split('{', ' ')[0];
            if (Array.IndexOf(Counters, name) >= 0 && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[name] = values.GetValueOrDefault(name) + value;
            }
        }

        return values;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One service's runtime counters per call over a measured window.</summary>
public sealed record RuntimePerCall(
    [property: JsonPropertyName("allocated_kb")] double AllocatedKb,
    [property: JsonPropertyName("thread_pool_work_items")] double WorkItems,
    [property: JsonPropertyName("gcs_per_1000_calls")] double GcsPerThousand,
    [property: JsonPropertyName("gc_pause_us")] double GcPauseMicroseconds,
    [property: JsonPropertyName("lock_contentions")] double LockContentions);
