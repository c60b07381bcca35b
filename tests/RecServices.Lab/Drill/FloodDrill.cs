using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Contracts.Gateway.V1;
using RecServices.LocalSystem;
using RecServices.Users;
using StackExchange.Redis;

namespace RecServices.Lab.Drill;

/// <summary>
/// A write flood on the Redis user store, in two parts. Through the gateway (its settings as deployed, the write
/// limit included): callers sharing one address loop RecordInteraction with fresh event ids for one user, counted by
/// status, with the wait the gateway asks for. Then on the store itself, as the gateway writes: one user's writes with
/// fresh event ids, and Redis's used_memory before and after, per million writes.
/// </summary>
public sealed class FloodDrill(LocalServices services, string userId, string itemId)
{
    public async Task<FloodReport> RunAsync(
        int callers,
        TimeSpan duration,
        int storeWrites,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var redis = services.Redis ?? throw new InvalidOperationException("the flood drill needs --store redis");
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var statuses = new ConcurrentDictionary<string, long>();
        var pushbacks = new ConcurrentBag<int>();
        string? refusal = null;
        using var stop = new CancellationTokenSource(duration);
        using var channel = GrpcChannel.ForAddress(services.GatewayAddress);
        var client = new GatewayService.GatewayServiceClient(channel);
        var clock = Stopwatch.StartNew();
        var next = 0L;
        await Task.WhenAll(
            Enumerable
                .Range(0, callers)
                .Select(_ =>
                    Task.Run(
                        async () =>
                        {
                            while (!stop.IsCancellationRequested)
                            {
                                var n = Interlocked.Increment(ref next);
                                var (status, error) = await DrillWrites.WatchAsync(
                                    client,
                                    userId,
                                    itemId,
                                    "flood-" + n.ToString(CultureInfo.InvariantCulture)
                                );
                                if (status == StatusCode.ResourceExhausted)
                                {
                                    Interlocked.CompareExchange(ref refusal, error!.Status.Detail, null);
                                    if (
                                        error.Trailers.GetValue(Gateway.Services.WriteRateLimit.PushbackTrailer)
                                            is { } ms
                                        && int.TryParse(ms, CultureInfo.InvariantCulture, out var wait)
                                    )
                                    {
                                        pushbacks.Add(wait);
                                    }
                                }

                                statuses.AddOrUpdate(status.ToString(), 1, (_, c) => c + 1);
                            }
                        },
                        CancellationToken.None
                    )
                )
        );
        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"through the gateway: {statuses.Values.Sum()} writes in {seconds:F1} s by {callers} callers "
                    + $"from one address"
            )
        );

        // the store itself, as the gateway writes to it
        await using var store = new RedisUserStore(redis.Configuration);
        var before = await UsedMemoryAsync(admin);
        clock.Restart();
        var pending = new List<Task>(256);
        for (var n = 0; n < storeWrites; n++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            pending.Add(
                store.AppendAsync(
                    new NewInteraction(
                        "flood-store",
                        itemId,
                        Core.Data.InteractionKind.Watched,
                        null,
                        DateTimeOffset.UtcNow,
                        "store-" + n.ToString(CultureInfo.InvariantCulture)
                    ),
                    cancellationToken
                )
            );
            if (pending.Count == pending.Capacity)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending);
        var storeSeconds = clock.Elapsed.TotalSeconds;
        var after = await UsedMemoryAsync(admin);
        return new FloodReport(
            callers,
            Math.Round(seconds, 1),
            statuses.OrderBy(s => s.Key).ToDictionary(),
            refusal,
            pushbacks.IsEmpty ? null : pushbacks.Min(),
            pushbacks.IsEmpty ? null : pushbacks.Max(),
            storeWrites,
            Math.Round(storeSeconds, 1),
            before,
            after,
            storeWrites == 0 ? 0 : Math.Round((after - before) / 1048576.0 * 1_000_000 / storeWrites, 1)
        );
    }

    private static async Task<long> UsedMemoryAsync(ConnectionMultiplexer admin)
    {
        var info = await admin.GetServer(admin.GetEndPoints()[0]).InfoAsync("memory");
        return long.Parse(
            info.SelectMany(g => g).First(p => p.Key == "used_memory").Value,
            CultureInfo.InvariantCulture
        );
    }
}

/// <summary>What <c>recs-lab drill --store redis --flood</c> found.</summary>
/// <param name="Callers">Callers flooding the gateway, all from one address.</param>
/// <param name="Seconds">How long they flooded.</param>
/// <param name="WritesByStatus">Their RecordInteraction calls by status.</param>
/// <param name="Refusal">The message of the first RESOURCE_EXHAUSTED, if any.</param>
/// <param name="PushbackMinMs">The shortest wait the gateway asked for (grpc-retry-pushback-ms).</param>
/// <param name="PushbackMaxMs">The longest.</param>
/// <param name="StoreWrites">Writes of one user with fresh event ids on the store directly.</param>
/// <param name="StoreSeconds">How long they took (256 in flight).</param>
/// <param name="UsedMemoryBefore">Redis used_memory before them, bytes.</param>
/// <param name="UsedMemoryAfter">After them.</param>
/// <param name="MiBPerMillionWrites">The growth, MiB per million writes.</param>
public sealed record FloodReport(
    int Callers,
    double Seconds,
    IReadOnlyDictionary<string, long> WritesByStatus,
    string? Refusal,
    int? PushbackMinMs,
    int? PushbackMaxMs,
    int StoreWrites,
    double StoreSeconds,
    long UsedMemoryBefore,
    long UsedMemoryAfter,
    double MiBPerMillionWrites
);
