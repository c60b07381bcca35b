using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RecServices.Cli.Commands;
using RecServices.Core.Bundles;
using RecServices.LocalSystem;

namespace RecServices.Lab.Load;

/// <summary>
/// Promotes a version halfway through a measured window while the load runs, and watches what it costs: the time
/// until answers carry the new version, each service's load time (from its log line), and each service's resident
/// memory before, at its peak during, and after the swap (sampled from /proc every 50 ms).
/// </summary>
public sealed partial class PromotionDuringLoad(
    BundleRoot root,
    string version,
    IReadOnlyList<ServiceProcess> processes,
    LoadTarget load,
    TextWriter output
)
{
    public async Task<PromotionReport> RunAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var manifestVersion = Bundle.ReadManifest(root.VersionPath(version)).Version;
        var clock = Stopwatch.StartNew();
        var before = new Dictionary<string, (double Rss, double Anon)>();
        var peak = new Dictionary<string, (double Rss, double Anon)>();
        var half = window / 2;
        while (clock.Elapsed < half)
        {
            await Task.Delay(50, cancellationToken);
        }

        foreach (var process in processes)
        {
            before[Name(process)] = peak[Name(process)] = Resident(process.ProcessId);
        }

        load.Watch(manifestVersion);
        var promotedAt = clock.Elapsed.TotalSeconds;
        BundlesCommand.Promote(root, version, output);
        var promoted = Stopwatch.GetTimestamp();
        while (clock.Elapsed < window)
        {
            foreach (var process in processes)
            {
                var now = Resident(process.ProcessId);
                peak[Name(process)] = (
                    Math.Max(peak[Name(process)].Rss, now.Rss),
                    Math.Max(peak[Name(process)].Anon, now.Anon)
                );
            }

            await Task.Delay(50, cancellationToken);
        }

        var memory = processes.ToDictionary(
            Name,
            p =>
            {
                var (b, k, a) = (before[Name(p)], peak[Name(p)], Resident(p.ProcessId));
                return new ResidentMemory(
                    Math.Round(b.Rss, 1),
                    Math.Round(k.Rss, 1),
                    Math.Round(a.Rss, 1),
                    Math.Round(b.Anon, 1),
                    Math.Round(k.Anon, 1),
                    Math.Round(a.Anon, 1)
                );
            }
        );
        var loads = new Dictionary<string, double>();
        foreach (var process in processes)
        {
            var line = process
                .Tail()
                .Split('\n')
                .LastOrDefault(l => l.Contains("Serving bundle version " + manifestVersion, StringComparison.Ordinal));
            if (line is not null && LoadTime().Match(line) is { Success: true } match)
            {
                loads[Name(process)] = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }

        double? firstAnswer = load.FirstSeen is { } seen
            ? Math.Round(Stopwatch.GetElapsedTime(promoted, seen).TotalSeconds, 3)
            : null;
        return new PromotionReport(manifestVersion, Math.Round(promotedAt, 2), firstAnswer, loads, memory);
    }

    private static string Name(ServiceProcess process) =>
        process.Name.Replace("RecServices.", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>VmRSS and RssAnon in MB (0 when they cannot be read).</summary>
    private static (double Rss, double Anon) Resident(int pid)
    {
        var resident = ResidentBytes.Of(pid);
        return (resident.Total / 1048576.0, resident.Anonymous / 1048576.0);
    }

    [GeneratedRegex(@"loaded and validated in ([0-9.]+) s")]
    private static partial Regex LoadTime();
}
