using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Lab.Cost;
using RecServices.LocalSystem;

namespace RecServices.Lab.Load;

/// <summary>
/// The cost model of one Recommend, hop by hop: each service's own call alone (retrieval's GetCandidates, ranking's
/// RankCandidates, with the requests the gateway sends for the bundle's users) beside that process's health Check, then
/// the gateway's Recommend beside its Check, at each concurrency asked; for every call the CPU each process used per
/// call over the measured window (from /proc) and what each service's runtime counted per call (allocations,
/// thread-pool work items, GC pauses), beside throughput and latency. The hops' sum against the whole says
/// what the gateway adds.
/// </summary>
public sealed class HopCostModel(LocalServices services, Bundle bundle, TextWriter output)
{
    /// <summary>The calls measured, in order: each hop, then the whole.</summary>
    public static readonly string[] Calls =
    [
        "retrieval GetCandidates",
        "retrieval Check",
        "ranking RankCandidates",
        "ranking Check",
        "gateway Recommend",
        "gateway Check",
    ];

    public async Task<CostModelReport> RunAsync(
        IReadOnlyList<int> concurrencies,
        TimeSpan warmup,
        TimeSpan duration,
        int count,
        CancellationToken cancellationToken
    )
    {
        var users = bundle.Users!;
        var histories = UserHistories.Build(bundle.Interactions!, users.Count);
        var sample = Enumerable
            .Range(0, users.Count)
            .Where(u => histories.Of(u).Length > 0)
            .Take(2000)
            .Select(u => (users[u], histories.Of(u).ToArray()))
            .ToList();
        using var hops = await HopCalls.CreateAsync(
            services.RetrievalAddress,
            services.RankingAddress,
            bundle,
            sample,
            count,
            cancellationToken
        );
        using var gateway = new LoadTarget(services.GatewayAddress, sample.Select(u => u.Item1.Id).ToList(), [], count);
        ClosedLoop.Call[] calls =
        [
            hops.GetCandidatesAsync,
            hops.RetrievalHealthAsync,
            hops.RankCandidatesAsync,
            hops.RankingHealthAsync,
            gateway.RecommendAsync,
            gateway.HealthCheckAsync,
        ];
        var cpu = CpuWindow.Of(services);
        var runtime = RuntimeCounters.Of(services);
        var rows = new List<CostModelRow>();
        // The highest concurrency first: its warm-up calls bring every path through tiered compilation, so that the
        // rows at concurrency 1 measure steady code and not the JIT.
        foreach (var concurrency in concurrencies.OrderDescending())
        {
            for (var c = 0; c < calls.Length; c++)
            {
                await ClosedLoop.RunAsync(calls[c], concurrency, warmup, cancellationToken);
                await runtime.StartAsync(cancellationToken);
                cpu.Start();
                var summary = await ClosedLoop.RunAsync(calls[c], concurrency, duration, cancellationToken);
                var callCount = summary.Requests + summary.Errors;
                var row = new CostModelRow(
                    Calls[c],
                    concurrency,
                    summary,
                    cpu.PerCall(callCount),
                    await runtime.PerCallAsync(callCount, cancellationToken)
                );
                rows.Add(row);
                var perCall = string.Join(", ", row.CpuMicrosecondsPerCall.Select(p => $"{p.Key} {p.Value:F0}"));
                var errors = summary.Errors > 0 ? $", {summary.Errors} errors" : string.Empty;
                output.WriteLine(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{row.Call} at concurrency {concurrency}: {summary.ThroughputRps:F0}/s, p50 "
                            + $"{summary.P50Ms:F3} ms, CPU µs per call {perCall}{errors}"
                    )
                );
            }
        }

        return new CostModelReport(
            Commands.LoadCommand.Machine(),
            duration.TotalSeconds,
            warmup.TotalSeconds,
            sample.Count,
            rows
        );
    }

    /// <summary>
    /// The markdown table per concurrency: each call's throughput, p50 and CPU per call of each process, then the
    /// hops' sum against Recommend.
    /// </summary>
    public static string Table(CostModelReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(
            c,
            $"{report.Machine}; {report.DurationSeconds} s measured per call after {report.WarmupSeconds} "
                + $"s of warm-up; {report.Users} users"
        );
        foreach (var group in report.Rows.GroupBy(r => r.Concurrency))
        {
            var names = group.First().CpuMicrosecondsPerCall.Keys.ToList();
            text.AppendLine();
            text.AppendLine(c, $"concurrency {group.Key}:");
            text.AppendLine(
                c,
                $"| call | req/s | p50 ms | p99 ms | "
                    + $"{string.Join(" | ", names.Select(n => $"CPU µs/call {n}"))} | CPU µs/call services |"
            );
            text.AppendLine(string.Concat(Enumerable.Repeat("|---", 5 + names.Count)) + "|");
            foreach (var row in group)
            {
                text.AppendLine(
                    c,
                    $"| {row.Call} | {row.Summary.ThroughputRps:F0} | {row.Summary.P50Ms:F3} | "
                        + $"{row.Summary.P99Ms:F3} | "
                        + $"{string.Join(" | ", names.Select(n => Cpu(row.CpuMicrosecondsPerCall[n])))} | "
                        + $"{Cpu(row.ServicesCpu)} |"
                );
            }

            var byCall = group.ToDictionary(r => r.Call);
            var hopsCpu = byCall[Calls[0]].ServicesCpu + byCall[Calls[2]].ServicesCpu;
            var hopsP50 = byCall[Calls[0]].Summary.P50Ms + byCall[Calls[2]].Summary.P50Ms;
            var whole = byCall[Calls[4]];
            var blanks = string.Concat(Enumerable.Repeat(" |", names.Count + 1));
            text.AppendLine(c, $"| sum of the two hops | | {hopsP50:F3} |{blanks} {Cpu(hopsCpu)} |");
            text.AppendLine(
                c,
                $"| Recommend − hops (the gateway's share) | | {whole.Summary.P50Ms - hopsP50:F3} "
                    + $"|{blanks} {Cpu(whole.ServicesCpu - hopsCpu)} |"
            );
            text.AppendLine(
                c,
                $"Recommend / gateway Check: p50 × "
                    + $"{whole.Summary.P50Ms / byCall[Calls[5]].Summary.P50Ms:F2}, throughput × "
                    + $"{whole.Summary.ThroughputRps / byCall[Calls[5]].Summary.ThroughputRps:F3}"
            );
            text.AppendLine();
            var services = group.First().Runtime.Keys.ToList();
            text.AppendLine(
                c,
                $"| call (concurrency {group.Key}) | "
                    + $"{string.Join(" | ", services.Select(s => $"{s}: KB allocated, thread-pool work items, GC pause µs"))} "
                    + $"|"
            );
            text.AppendLine(string.Concat(Enumerable.Repeat("|---", 1 + services.Count)) + "|");
            foreach (var row in group)
            {
                text.AppendLine(
                    c,
                    $"| {row.Call} | {string.Join(" | ", services.Select(s => Counted(row.Runtime[s])))} |"
                );
            }
        }

        return text.ToString();

        static string Counted(RuntimePerCall r) =>
            string.Create(
                CultureInfo.InvariantCulture,
                $"{r.AllocatedKb:F1}, {r.WorkItems:F1}, {r.GcPauseMicroseconds:F1}"
            );

        static string Cpu(double? us) => us is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) : "–";
    }
}

/// <summary>What <c>recs-lab load --cost-model</c> measured: one row per call and concurrency.</summary>
public sealed record CostModelReport(
    [property: JsonPropertyName("machine")] string Machine,
    [property: JsonPropertyName("duration_s")] double DurationSeconds,
    [property: JsonPropertyName("warmup_s")] double WarmupSeconds,
    [property: JsonPropertyName("users")] int Users,
    [property: JsonPropertyName("rows")] IReadOnlyList<CostModelRow> Rows
);

/// <summary>
/// One call at one concurrency: its load summary, the CPU microseconds per call of each process (the services and recs)
/// and each service's runtime counters per call.
/// </summary>
public sealed record CostModelRow(
    [property: JsonPropertyName("call")] string Call,
    [property: JsonPropertyName("concurrency")] int Concurrency,
    [property: JsonPropertyName("summary")] LoadSummary Summary,
    [property: JsonPropertyName("cpu_us_per_call")] IReadOnlyDictionary<string, double?> CpuMicrosecondsPerCall,
    [property: JsonPropertyName("runtime_per_call")] IReadOnlyDictionary<string, RuntimePerCall> Runtime
)
{
    /// <summary>The three services' CPU per call together (the load generator left out).</summary>
    [JsonPropertyName("services_cpu_us_per_call")]
    public double? ServicesCpu => CpuMicrosecondsPerCall.Where(p => p.Key != "recs").Sum(p => p.Value);
}
