using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Cli.Hosting;
using RecServices.Cli.Load;
using RecServices.Contracts.Gateway.V1;
using RecServices.Users;

namespace RecServices.Cli.Drill;

/// <summary>
/// A durability drill on running services: writers call RecordInteraction with their own event ids (retrying a failed
/// event with the same id, as a client should); midway the gateway or redis-server is killed with SIGKILL and
/// started again; then every acknowledged event is looked for in the store's interaction log.
/// </summary>
public sealed class KillDrill(LocalServices services, IReadOnlyList<string> users, IReadOnlyList<string> items)
{
    public const string KillGateway = "gateway";
    public const string KillRedis = "redis";

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public async Task<DrillReport> RunAsync(
        string kill,
        int writers,
        TimeSpan before,
        TimeSpan after,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        if (kill == KillRedis && services.Redis is null)
        {
            throw new ArgumentException("--kill redis needs --store redis");
        }

        using var channel = GrpcChannel.ForAddress(services.GatewayAddress);
        var client = new GatewayService.GatewayServiceClient(channel);
        var acknowledged = new ConcurrentDictionary<(string User, string Event), bool>();
        var failures = 0;
        long killedAt = 0;
        long firstAfterKill = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();

        async Task WriteAsync(int writer)
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var request = new RecordInteractionRequest
                {
                    UserId = users[ClosedLoop.Spread(writer, n, users.Count)],
                    ItemId = items[(int)((n * 31L + writer * 17L) % items.Count)],
                    Kind = InteractionKind.Watched,
                    EventId = string.Create(CultureInfo.InvariantCulture, $"drill-{_run}-{writer}-{n}"),
                };
                while (true)
                {
                    var attempt = clock.ElapsedTicks;
                    try
                    {
                        await client.RecordInteractionAsync(
                            request,
                            deadline: DateTime.UtcNow.AddSeconds(5),
                            cancellationToken: CancellationToken.None
                        );
                        acknowledged[(request.UserId, request.EventId)] = true;
                        var killed = Interlocked.Read(ref killedAt);
                        if (killed != 0 && attempt > killed)
                        {
                            Interlocked.CompareExchange(ref firstAfterKill, clock.ElapsedTicks, 0);
                        }

                        break;
                    }
                    catch (RpcException)
                    {
                        Interlocked.Increment(ref failures);
                        if (stop.IsCancellationRequested)
                        {
                            return; // left in doubt: it may or may not have landed
                        }

                        await Task.Delay(20, CancellationToken.None);
                    }
                }
            }
        }

        var tasks = Enumerable
            .Range(0, writers)
            .Select(w => Task.Run(() => WriteAsync(w), CancellationToken.None))
            .ToArray();
        await Task.Delay(before, cancellationToken);
        output.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"{acknowledged.Count} acknowledged; kill -9 {kill}")
        );
        if (kill == KillGateway)
        {
            await services.KillGatewayAsync();
            Interlocked.Exchange(ref killedAt, clock.ElapsedTicks);
            await services.RestartGatewayAsync(cancellationToken: cancellationToken);
        }
        else
        {
            await services.Redis!.KillAsync();
            Interlocked.Exchange(ref killedAt, clock.ElapsedTicks);
            await services.Redis.RestartAsync(cancellationToken);
        }

        output.WriteLine($"{kill} started again; writing {after.TotalSeconds} s more");
        await Task.Delay(after, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        var seconds = clock.Elapsed.TotalSeconds;

        var logged = new Dictionary<(string User, string Event), int>();
        await using (var log = UserStores.OpenLog(services.UserStoreLocation))
        {
            await foreach (var entry in log.ReadAllAsync(cancellationToken))
            {
                if (entry.EventId.StartsWith("drill-" + _run + "-", StringComparison.Ordinal))
                {
                    logged[(entry.UserId, entry.EventId)] = logged.GetValueOrDefault((entry.UserId, entry.EventId)) + 1;
                }
            }
        }

        var outage = firstAfterKill == 0 ? double.NaN : (firstAfterKill - killedAt) / (double)Stopwatch.Frequency;
        return new DrillReport(
            services.Redis is null ? "sqlite" : "redis",
            kill,
            writers,
            Math.Round(seconds, 1),
            acknowledged.Count,
            acknowledged.Keys.Count(k => !logged.ContainsKey(k)),
            logged.Count(e => e.Value > 1),
            logged.Keys.Count(k => !acknowledged.ContainsKey(k)),
            failures,
            Math.Round(outage, 2)
        );
    }
}
