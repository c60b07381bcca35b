using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using RecServices.Contracts.Catalog.V1;
using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Ranking.V2;
using RecServices.Core.Bundles;
using RecServices.Core.Evaluation;
using RecServices.Lab.Load;
using RecServices.LocalSystem;
using RecServices.Serving.Wire;

namespace RecServices.Lab.Commands;

/// <summary>
/// The live catalog at scale (<c>recs-lab catalog --upserts N</c>, <c>--hidden N</c>): new items written through a
/// gateway in batches with their throughput and the time until ranking ranks the last one (its item tower run over
/// every new item), and Recommend's CPU per call with N items hidden against none, in alternating rounds of one run.
/// </summary>
public static class CatalogScale
{
    /// <summary>Items per UpsertItems call.</summary>
    public const int Batch = 1_000;

    public static async Task<UpsertReport> UpsertsAsync(
        LocalServices system,
        Bundle bundle,
        int count,
        string store,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        if (!bundle.Manifest.Schema.EmbedsNewItems)
        {
            throw new ArgumentException(
                $"bundle {bundle.Manifest.Version} was built before item towers could embed new items: build it "
                    + "again with this release's 'recs train'"
            );
        }

        using var gateway = GrpcChannel.ForAddress(system.GatewayAddress);
        using var rankingChannel = GrpcChannel.ForAddress(system.RankingAddress);
        var catalog = new CatalogService.CatalogServiceClient(gateway);
        var ranking = new RankingService.RankingServiceClient(rankingChannel);
        var categories = bundle.Catalog.Categories;
        var random = new Random(1042);
        var rankingProcess = system.Processes.Single(p => p.Name.EndsWith("Ranking", StringComparison.Ordinal));
        var residentBefore = rankingProcess.Resident().Total;
        var acks = new List<double>(count / Batch + 1);
        var started = Stopwatch.GetTimestamp();
        for (var start = 0; start < count; start += Batch)
        {
            var request = new UpsertItemsRequest();
            for (var i = start; i < Math.Min(count, start + Batch); i++)
            {
                var item = new CatalogItem
                {
                    ItemId = "upserted-" + i.ToString(CultureInfo.InvariantCulture),
                    Title = "Upserted item " + i.ToString(CultureInfo.InvariantCulture),
                    Year = 1990 + random.Next(37),
                };
                for (var g = 1 + random.Next(3); g > 0; g--)
                {
                    item.Categories.Add(categories[random.Next(categories.Count)]);
                }

                request.Items.Add(item);
            }

            var sent = Stopwatch.GetTimestamp();
            await catalog.UpsertItemsAsync(
                request,
                deadline: DateTime.UtcNow.AddSeconds(60),
                cancellationToken: cancellationToken
            );
            acks.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        }

        var written = Stopwatch.GetElapsedTime(started).TotalSeconds;
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{count} items upserted in {written:F1} s; waiting for ranking"
            )
        );

        // ranking reads the new versions on its poll and embeds what it has not: the last item ranked = all embedded
        var last = "upserted-" + (count - 1).ToString(CultureInfo.InvariantCulture);
        var waited = Stopwatch.GetTimestamp();
        var firstRankMs = new List<double>();
        while (true)
        {
            var call = Stopwatch.GetTimestamp();
            using var stream = ranking.RankCandidates(
                new RankCandidatesRequest { Candidates = ItemReferences.OfIds([last, bundle.Catalog.IdOf(0)]) },
                deadline: DateTime.UtcNow.AddSeconds(120),
                cancellationToken: cancellationToken
            );
            var ids = new List<string>();
            while (await stream.ResponseStream.MoveNext(cancellationToken))
            {
                if (stream.ResponseStream.Current.Item is { } item)
                {
                    ids.Add(item.ItemId);
                }
            }

            firstRankMs.Add(Stopwatch.GetElapsedTime(call).TotalMilliseconds);
            if (ids.Contains(last))
            {
                break;
            }

            if (Stopwatch.GetElapsedTime(waited) > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("ranking did not rank the last upserted item within 5 minutes");
            }

            await Task.Delay(20, cancellationToken);
        }

        var ranked = Stopwatch.GetElapsedTime(waited).TotalSeconds;
        // a rank call with the overlay applied and embedded: the steady cost
        var steady = Stopwatch.GetTimestamp();
        using (
            var again = ranking.RankCandidates(
                new RankCandidatesRequest { Candidates = ItemReferences.OfIds([last, bundle.Catalog.IdOf(0)]) },
                cancellationToken: cancellationToken
            )
        )
        {
            while (await again.ResponseStream.MoveNext(cancellationToken)) { }
        }

        var steadyMs = Stopwatch.GetElapsedTime(steady).TotalMilliseconds;
        var sorted = acks.Order().ToList();
        return new UpsertReport(
            store,
            count,
            Batch,
            Math.Round(count / written, 0),
            Math.Round(Percentiles.Of(sorted, 0.5), 1),
            Math.Round(Percentiles.Of(sorted, 0.99), 1),
            Math.Round(ranked, 2),
            Math.Round(firstRankMs.Max(), 0),
            Math.Round(steadyMs, 2),
            Math.Round((rankingProcess.Resident().Total - residentBefore) / 1048576.0, 0)
        );
    }

    public static async Task<HiddenCostReport> HiddenCostAsync(
        LocalServices system,
        Bundle bundle,
        int hidden,
        int rounds,
        double seconds,
        int concurrency,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        using var channel = GrpcChannel.ForAddress(system.GatewayAddress);
        var catalog = new CatalogService.CatalogServiceClient(channel);
        var gateway = new GatewayService.GatewayServiceClient(channel);
        // the items the sources propose most (popular, each category's and country's top), then random ones
        var tops = bundle.Tops!;
        var ids = tops
            .Global.Items.Concat(tops.ByCategory.Values.SelectMany(l => l.Items))
            .Concat(tops.ByCountry.Values.SelectMany(l => l.Items))
            .Distinct()
            .ToList();
        var random = new Random(1042);
        var chosen = ids.Take(hidden).ToHashSet();
        while (chosen.Count < Math.Min(hidden, bundle.Catalog.Count))
        {
            chosen.Add(random.Next(bundle.Catalog.Count));
        }

        var hiddenIds = chosen.Select(bundle.Catalog.IdOf).ToList();
        var users = bundle.Users!.Select(u => u.Id).ToArray();
        var cpu = CpuWindow.Of(system);
        var runs = new List<HiddenCostRun>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var hide in new[] { false, true })
            {
                long version = 0;
                for (var start = 0; start < hiddenIds.Count; start += 10_000)
                {
                    var request = new SetAvailabilityRequest { Available = !hide };
                    request.ItemIds.AddRange(hiddenIds.Skip(start).Take(10_000));
                    version = (
                        await catalog.SetAvailabilityAsync(request, cancellationToken: cancellationToken)
                    ).CatalogVersion;
                }

                await Task.Delay(1_000, cancellationToken); // every process applied it (polls every 200 ms)
                await LoopAsync(gateway, users, concurrency, 2, cancellationToken); // warm-up
                cpu.Start();
                var (calls, latencies) = await LoopAsync(gateway, users, concurrency, seconds, cancellationToken);
                var perCall = cpu.PerCall(calls);
                var services = perCall.Where(p => p.Key != "recs").Sum(p => p.Value ?? 0);
                latencies.Sort();
                var run = new HiddenCostRun(
                    hide ? hiddenIds.Count : 0,
                    round + 1,
                    calls,
                    Math.Round(services, 1),
                    perCall,
                    Math.Round(Percentiles.Of(latencies, 0.5), 3),
                    version
                );
                runs.Add(run);
                output.WriteLine(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"round {round + 1}, {run.Hidden} hidden: {calls} calls, {services:F0} CPU µs/call in the services, p50 {run.P50Ms:F2} ms"
                    )
                );
            }
        }

        double Median(int hiddenCount) =>
            Percentiles.Of(
                [.. runs.Where(r => r.Hidden == hiddenCount).Select(r => r.ServicesCpuUsPerCall).Order()],
                0.5
            );
        var (none, some) = (Median(0), Median(hiddenIds.Count));
        return new HiddenCostReport(
            bundle.Catalog.Count,
            hiddenIds.Count,
            concurrency,
            none,
            some,
            Math.Round(some / none, 3),
            runs
        );
    }

    private static async Task<(long Calls, List<double> LatenciesMs)> LoopAsync(
        GatewayService.GatewayServiceClient gateway,
        string[] users,
        int concurrency,
        double seconds,
        CancellationToken cancellationToken
    )
    {
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var latencies = new List<double>[concurrency];
        var workers = Enumerable
            .Range(0, concurrency)
            .Select(w =>
                Task.Run(
                    async () =>
                    {
                        var mine = latencies[w] = [];
                        var random = new Random(w);
                        while (Stopwatch.GetTimestamp() < until)
                        {
                            var started = Stopwatch.GetTimestamp();
                            using var call = gateway.Recommend(
                                new RecommendRequest { UserId = users[random.Next(users.Length)], Count = 10 },
                                deadline: DateTime.UtcNow.AddSeconds(30),
                                cancellationToken: cancellationToken
                            );
                            while (await call.ResponseStream.MoveNext(cancellationToken)) { }

                            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        }
                    },
                    cancellationToken
                )
            )
            .ToArray();
        await Task.WhenAll(workers);
        var all = latencies.SelectMany(l => l).ToList();
        return (all.Count, all);
    }
}

/// <summary>What <see cref="CatalogScale.UpsertsAsync"/> measured.</summary>
public sealed record UpsertReport(
    string Store,
    int Items,
    int Batch,
    double ItemsPerSecond,
    double BatchAckP50Ms,
    double BatchAckP99Ms,
    double RankedAfterSeconds,
    double SlowestRankCallMs,
    double SteadyRankCallMs,
    double RankingResidentGrowthMb
)
{
    public void Write(TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(
            string.Create(
                c,
                $"| store | items | batch | items/s | batch ack p50 / p99 ms | last item ranked after s | slowest rank call ms | steady rank call ms | ranking RSS growth MB |"
            )
        );
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
        output.WriteLine(
            string.Create(
                c,
                $"| {Store} | {Items} | {Batch} | {ItemsPerSecond:F0} | {BatchAckP50Ms:F1} / {BatchAckP99Ms:F1} | {RankedAfterSeconds:F2} | {SlowestRankCallMs:F0} | {SteadyRankCallMs:F2} | {RankingResidentGrowthMb:F0} |"
            )
        );
    }
}

/// <summary>One measured round of <see cref="CatalogScale.HiddenCostAsync"/>.</summary>
public sealed record HiddenCostRun(
    int Hidden,
    int Round,
    long Calls,
    double ServicesCpuUsPerCall,
    IReadOnlyDictionary<string, double?> CpuUsPerCall,
    double P50Ms,
    long CatalogVersion
);

/// <summary>Recommend's CPU per call with items hidden against none, medians over the rounds.</summary>
public sealed record HiddenCostReport(
    int CatalogItems,
    int Hidden,
    int Concurrency,
    double NoneCpuUsPerCall,
    double HiddenCpuUsPerCall,
    double Ratio,
    IReadOnlyList<HiddenCostRun> Runs
)
{
    public void Write(TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(
            string.Create(
                c,
                $"{CatalogItems} items, concurrency {Concurrency}: services' CPU per Recommend, median of the rounds"
            )
        );
        output.WriteLine("| hidden | CPU µs/call (retrieval + ranking + gateway) |");
        output.WriteLine("|---|---|");
        output.WriteLine(string.Create(c, $"| 0 | {NoneCpuUsPerCall:F0} |"));
        output.WriteLine(string.Create(c, $"| {Hidden} | {HiddenCpuUsPerCall:F0} (× {Ratio:F3}) |"));
    }
}
