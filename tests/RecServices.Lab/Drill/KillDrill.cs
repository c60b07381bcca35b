using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Contracts.Gateway.V1;
using RecServices.Lab.Load;
using RecServices.LocalSystem;
using RecServices.Users;

namespace RecServices.Lab.Drill;

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
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = new Writing(new GatewayService.GatewayServiceClient(channel), stop.Token);
        var tasks = Enumerable
            .Range(0, writers)
            .Select(w => Task.Run(() => WriteAsync(writing, w), CancellationToken.None))
            .ToArray();
        await Task.Delay(before, cancellationToken);
        output.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"{writing.Acknowledged.Count} acknowledged; kill -9 {kill}")
        );
        await KillAndRestartAsync(kill, writing, cancellationToken);
        output.WriteLine($"{kill} started again; writing {after.TotalSeconds} s more");
        await Task.Delay(after, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        var seconds = writing.Clock.Elapsed.TotalSeconds;

        var logged = await ReadLoggedAsync(cancellationToken);
        var acknowledged = writing.Acknowledged;
        return new DrillReport(
            services.Redis is null ? "sqlite" : "redis",
            kill,
            writers,
            Math.Round(seconds, 1),
            acknowledged.Count,
            acknowledged.Keys.Count(k => !logged.ContainsKey(k)),
            logged.Count(e => e.Value > 1),
            logged.Keys.Count(k => !acknowledged.ContainsKey(k)),
            writing.Failures,
            Math.Round(writing.OutageSeconds, 2)
        );
    }

    /// <summary>
    /// One writer: its own events in turn, each retried with the same event id until acknowledged; an event in
    /// flight when the drill stops is left in doubt.
    /// </summary>
    private async Task WriteAsync(Writing writing, int writer)
    {
        for (var n = 0; !writing.Stop.IsCancellationRequested; n++)
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
                var attempt = writing.Clock.ElapsedTicks;
                try
                {
                    await writing.Client.RecordInteractionAsync(
                        request,
                        deadline: DateTime.UtcNow.AddSeconds(5),
                        cancellationToken: CancellationToken.None
                    );
                    writing.Acknowledge(request, attempt);
                    break;
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref writing.Failures);
                    if (writing.Stop.IsCancellationRequested)
                    {
                        return; // left in doubt: it may or may not have landed
                    }

                    await Task.Delay(20, CancellationToken.None);
                }
            }
        }
    }

    private async Task KillAndRestartAsync(string kill, Writing writing, CancellationToken cancellationToken)
    {
        if (kill == KillGateway)
        {
            await services.KillGatewayAsync();
            writing.Killed();
            await services.RestartGatewayAsync(cancellationToken: cancellationToken);
        }
        else
        {
            await services.Redis!.KillAsync();
            writing.Killed();
            await services.Redis.RestartAsync(cancellationToken);
        }
    }

    /// <summary>How many times the store's interaction log holds each of this run's events.</summary>
    private async Task<Dictionary<(string User, string Event), int>> ReadLoggedAsync(
        CancellationToken cancellationToken
    )
    {
        var logged = new Dictionary<(string User, string Event), int>();
        await using var log = UserStores.OpenLog(services.UserStoreLocation);
        await foreach (var entry in log.ReadAllAsync(cancellationToken))
        {
            if (entry.EventId.StartsWith("drill-" + _run + "-", StringComparison.Ordinal))
            {
                logged[(entry.UserId, entry.EventId)] = logged.GetValueOrDefault((entry.UserId, entry.EventId)) + 1;
            }
        }

        return logged;
    }

    /// <summary>What the writers share: the client, the events acknowledged, failed attempts, the kill's
    /// time.</summary>
    private sealed class Writing(GatewayService.GatewayServiceClient client, CancellationToken stop)
    {
        private long _killedAt;
        private long _firstAfterKill;

        public int Failures;

        public GatewayService.GatewayServiceClient Client { get; } = client;

        public CancellationToken Stop { get; } = stop;

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public ConcurrentDictionary<(string User, string Event), bool> Acknowledged { get; } = new();

        /// <summary>Seconds from the kill to the first write acknowledged that was attempted after it (NaN:
        /// none).</summary>
        public double OutageSeconds =>
            _firstAfterKill == 0 ? double.NaN : (_firstAfterKill - _killedAt) / (double)Stopwatch.Frequency;

        public void Killed() => Interlocked.Exchange(ref _killedAt, Clock.ElapsedTicks);

        /// <summary>An event acknowledged on an attempt started at <paramref name="attempt"/> (clock ticks).</summary>
        public void Acknowledge(RecordInteractionRequest request, long attempt)
        {
            Acknowledged[(request.UserId, request.EventId)] = true;
            var killed = Interlocked.Read(ref _killedAt);
            if (killed != 0 && attempt > killed)
            {
                Interlocked.CompareExchange(ref _firstAfterKill, Clock.ElapsedTicks, 0);
            }
        }
    }
}
