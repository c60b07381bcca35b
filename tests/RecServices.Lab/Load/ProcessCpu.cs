using System.Globalization;

namespace RecServices.Lab.Load;

/// <summary>
/// CPU time a process has used, user and system, all its threads, from <c>/proc/&lt;pid&gt;/stat</c> (clock ticks of
/// 10 ms): read before and after a measured window, the difference over the calls answered is CPU per call.
/// </summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>
    /// User plus system CPU seconds used by <paramref name="pid"/> so far; null where /proc cannot be read.
    /// </summary>
    public static double? SecondsOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (
                    long.Parse(fields[11], CultureInfo.InvariantCulture)
                    + long.Parse(fields[12], CultureInfo.InvariantCulture)
                ) / TicksPerSecond;
        }
        catch (Exception e)
            when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

/// <summary>
/// The CPU used by a set of processes over one measured window: <see cref="Start"/> before, <see cref="PerCall"/>
/// after.
/// </summary>
/// <param name="processes">The processes by name (the load generator itself may be one of them).</param>
public sealed class CpuWindow(IReadOnlyList<(string Name, int Pid)> processes)
{
    private double?[] _before = [];

    /// <summary>
    /// The three services of <paramref name="services"/> (named retrieval, ranking, gateway) and this process
    /// (recs).
    /// </summary>
    public static CpuWindow Of(LocalSystem.LocalServices services) =>
        new([.. services.Processes.Select(p => (ShortName(p.Name), p.ProcessId)), ("recs", Environment.ProcessId)]);

    /// <summary>A service's name in the reports: RecServices.Gateway → gateway.</summary>
    public static string ShortName(string process) =>
        process.Replace("RecServices.", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    public void Start() => _before = [.. processes.Select(p => ProcessCpu.SecondsOf(p.Pid))];

    /// <summary>
    /// Microseconds of CPU per call of each process since <see cref="Start"/> (null where /proc was not readable).
    /// </summary>
    public IReadOnlyDictionary<string, double?> PerCall(long calls) =>
        processes
            .Select((p, i) => (p.Name, After: ProcessCpu.SecondsOf(p.Pid), Before: _before[i]))
            .ToDictionary(
                p => p.Name,
                p =>
                    p.After is { } after && p.Before is { } before && calls > 0
                        ? Math.Round((after - before) * 1e6 / calls, 1)
                        : (double?)null
            );
}
