using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Net.Client;
using RecServices.Cli.Commands;
using RecServices.Contracts.Catalog.V1;
using RecServices.Core.Bundles;
using RecServices.Core.Evaluation;
using RecServices.LocalSystem;

namespace RecServices.Lab.Commands;

/// <summary>
/// <c>recs-lab catalog --spawn &lt;bundle&gt; [--gateways N] [--store sqlite|redis] [--flips N] [--json f]</c>: how long
/// an availability change takes to reach every gateway replica. Each flip hides one item through the first gateway
/// (then shows it again), after a random pause of up to 250 ms (so that changes land anywhere in the replicas' poll
/// cycle), and from its acknowledgement polls <c>GetItem</c> on every gateway until that replica no longer serves it
/// (serves it again): the time from ack to applied, per replica.
/// </summary>
public static class CatalogCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>How often a replica is asked whether it applied a change.</summary>
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(2);

    /// <summary>The longest a replica may take before the run says it never applied the change.</summary>
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    public static Command Create(TextWriter output, TextWriter error)
    {
        var spawn = new Option<string>("--spawn")
        {
            Description = "The bundle to start retrieval, ranking and the gateways on (loopback).",
            Required = true,
        };
        var gateways = new Option<int>("--gateways")
        {
            Description = "Gateway replicas sharing the store.",
            DefaultValueFactory = _ => 2,
        };
        var store = new Option<string>("--store")
        {
            Description = "The shared store: sqlite (one file) or redis (a redis-server started for the run).",
            DefaultValueFactory = _ => "redis",
        };
        var flips = new Option<int>("--flips")
        {
            Description = "Items hidden and shown again (two changes each).",
            DefaultValueFactory = _ => 100,
        };
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file." };
        var upserts = new Option<int?>("--upserts")
        {
            Description =
                "Instead of flips: write this many new items through gateway 1 (batches of 1,000) and time the "
                + "writes and ranking's embedding of them.",
        };
        var hidden = new Option<int?>("--hidden")
        {
            Description =
                "Instead of flips: Recommend's CPU per call with this many items hidden (the sources' top items "
                + "first) against none, in alternating rounds.",
        };
        var rounds = new Option<int>("--rounds")
        {
            Description = "With --hidden: rounds, each one run without and one with the items hidden.",
            DefaultValueFactory = _ => 3,
        };
        var seconds = new Option<double>("--duration")
        {
            Description = "With --hidden: measured seconds of each run.",
            DefaultValueFactory = _ => 10,
        };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "With --hidden: Recommend calls in flight.",
            DefaultValueFactory = _ => 4,
        };
        var command = new Command(
            "catalog",
            "How long an availability change takes from its acknowledgement to every gateway replica."
        )
        {
            spawn,
            gateways,
            store,
            flips,
            json,
            upserts,
            hidden,
            rounds,
            seconds,
            concurrency,
        };
        command.SetAction(
            (parse, cancellationToken) =>
                CommandErrors.RunAsync(
                    error,
                    async () =>
                    {
                        var count = parse.GetValue(flips);
                        var replicas = parse.GetValue(gateways);
                        if (count < 1 || replicas < 1)
                        {
                            throw new ArgumentException("--flips and --gateways must be at least 1");
                        }

                        if (parse.GetValue(upserts) is { } upsertCount || parse.GetValue(hidden) is { })
                        {
                            return await ScaleAsync(
                                parse.GetValue(spawn)!,
                                parse.GetValue(store)!,
                                parse.GetValue(upserts),
                                parse.GetValue(hidden),
                                parse.GetValue(rounds),
                                parse.GetValue(seconds),
                                parse.GetValue(concurrency),
                                parse.GetValue(json),
                                output,
                                cancellationToken
                            );
                        }

                        var report = await RunAsync(
                            parse.GetValue(spawn)!,
                            replicas,
                            parse.GetValue(store)!,
                            count,
                            output,
                            cancellationToken
                        );
                        report.Write(output);
                        if (parse.GetValue(json) is { } path)
                        {
                            await File.WriteAllTextAsync(
                                path,
                                JsonSerializer.Serialize(report, Indented),
                                cancellationToken
                            );
                        }

                        return 0;
                    }
                )
        );
        return command;
    }

    private static async Task<int> ScaleAsync(
        string bundlePath,
        string store,
        int? upserts,
        int? hidden,
        int rounds,
        double seconds,
        int concurrency,
        string? json,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var served = new BundleRoot(bundlePath).ServedDirectory();
        var bundle = Bundle.Load(served, BundleParts.Catalog | BundleParts.TopLists | BundleParts.Users);
        output.WriteLine($"starting retrieval, ranking and a gateway ({store} store) over {bundlePath}");
        await using var system = await LocalServices.StartAsync(
            bundlePath,
            userStore: store,
            cancellationToken: cancellationToken
        );
        object report;
        if (upserts is { } count)
        {
            var upserted = await CatalogScale.UpsertsAsync(system, bundle, count, store, output, cancellationToken);
            upserted.Write(output);
            report = upserted;
        }
        else
        {
            var cost = await CatalogScale.HiddenCostAsync(
                system,
                bundle,
                hidden!.Value,
                rounds,
                seconds,
                concurrency,
                output,
                cancellationToken
            );
            cost.Write(output);
            report = cost;
        }

        if (json is not null)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, Indented), cancellationToken);
        }

        return 0;
    }

    private static async Task<CatalogFlipReport> RunAsync(
        string bundle,
        int replicas,
        string store,
        int flips,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var served = new BundleRoot(bundle).ServedDirectory(); // a bundle, or a root of versions
        var ids = Bundle.Load(served, BundleParts.Catalog).Catalog.Items.Select(i => i.Id).ToArray();
        output.WriteLine($"starting retrieval, ranking and {replicas} gateways ({store} store) over {bundle}");
        await using var system = await LocalServices.StartAsync(
            bundle,
            userStore: store,
            gateways: replicas,
            cancellationToken: cancellationToken
        );
        var channels = system.GatewayAddresses.Select(a => GrpcChannel.ForAddress(a)).ToArray();
        try
        {
            var clients = channels.Select(c => new CatalogService.CatalogServiceClient(c)).ToArray();
            var acks = new List<double>(2 * flips);
            var applied = Enumerable.Range(0, replicas).Select(_ => new List<double>(2 * flips)).ToArray();
            for (var flip = 0; flip < flips; flip++)
            {
                var item = ids[flip % ids.Length];
                foreach (var available in new[] { false, true })
                {
                    // a random pause first: changes land at any point of the replicas' poll cycle, not just after one
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, 250)), cancellationToken);
                    var sent = Stopwatch.GetTimestamp();
                    var answer = await clients[0]
                        .SetAvailabilityAsync(
                            new SetAvailabilityRequest { ItemIds = { item }, Available = available },
                            deadline: DateTime.UtcNow.AddSeconds(30),
                            cancellationToken: cancellationToken
                        )
                        .ResponseAsync;
                    var acked = Stopwatch.GetTimestamp();
                    acks.Add(Stopwatch.GetElapsedTime(sent, acked).TotalMilliseconds);
                    var seen = await Task.WhenAll(
                        clients.Select(client =>
                            AppliedAsync(client, item, available, answer.CatalogVersion, acked, cancellationToken)
                        )
                    );
                    for (var r = 0; r < replicas; r++)
                    {
                        applied[r].Add(seen[r]);
                    }
                }
            }

            return CatalogFlipReport.Of(store, acks, applied);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    /// <summary>
    /// Milliseconds from <paramref name="acked"/> until the replica behind <paramref name="client"/> reports the
    /// change applied (its catalog version at least the write's, and the item served or not as written).
    /// </summary>
    private static async Task<double> AppliedAsync(
        CatalogService.CatalogServiceClient client,
        string item,
        bool available,
        long version,
        long acked,
        CancellationToken cancellationToken
    )
    {
        while (true)
        {
            var state = await client
                .GetItemAsync(
                    new GetItemRequest { ItemId = item },
                    deadline: DateTime.UtcNow.AddSeconds(10),
                    cancellationToken: cancellationToken
                )
                .ResponseAsync;
            var elapsed = Stopwatch.GetElapsedTime(acked);
            if (state.CatalogVersion >= version && state.Served == available)
            {
                return elapsed.TotalMilliseconds;
            }

            if (elapsed > GiveUpAfter)
            {
                throw new TimeoutException(
                    $"a gateway had not applied catalog version {version} after {GiveUpAfter.TotalSeconds:F0} s"
                );
            }

            await Task.Delay(PollEvery, cancellationToken);
        }
    }
}

/// <summary>What <c>recs-lab catalog</c> measured.</summary>
/// <param name="Store">The shared store.</param>
/// <param name="Changes">Availability changes made.</param>
/// <param name="AckMs">Each change's acknowledgement: p50, p99, max (ms).</param>
/// <param name="AppliedMs">Per gateway replica, from acknowledgement to applied: p50, p99, max (ms).</param>
public sealed record CatalogFlipReport(string Store, int Changes, double[] AckMs, double[][] AppliedMs)
{
    public static CatalogFlipReport Of(string store, List<double> acks, List<double>[] applied) =>
        new(store, acks.Count, Summary(acks), [.. applied.Select(Summary)]);

    public void Write(TextWriter output)
    {
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
        output.WriteLine($"{Changes} availability changes through gateway 1, {Store} store");
        output.WriteLine("| | p50 ms | p99 ms | max ms |");
        output.WriteLine("|---|---|---|---|");
        output.WriteLine($"| acknowledged | {F(AckMs[0])} | {F(AckMs[1])} | {F(AckMs[2])} |");
        for (var r = 0; r < AppliedMs.Length; r++)
        {
            var s = AppliedMs[r];
            output.WriteLine($"| applied by gateway {r + 1}, from the ack | {F(s[0])} | {F(s[1])} | {F(s[2])} |");
        }
    }

    private static double[] Summary(List<double> values)
    {
        var sorted = values.Order().ToList();
        return [Percentiles.Of(sorted, 0.5), Percentiles.Of(sorted, 0.99), sorted[^1]];
    }
}
