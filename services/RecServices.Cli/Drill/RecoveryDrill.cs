using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Cli.Hosting;
using RecServices.Cli.Load;
using RecServices.Contracts.Gateway.V1;

namespace RecServices.Cli.Drill;

/// <summary>
/// A recovery drill on running services: callers ask for recommendations without pause while a backend (retrieval
/// or ranking) is killed with SIGKILL, kept down for the outage and started again (or, paused, hangs with SIGSTOP
/// and runs again with SIGCONT: connections open, nothing answering, so that only deadlines notice). The gateway
/// should answer every call, degraded while the backend is away, and full again as soon as it is back: the drill
/// counts failed calls, degraded answers (and those to calls started after the backend reported SERVING again) and
/// times the return of full answers.
/// </summary>
public sealed class RecoveryDrill(LocalServices services, IReadOnlyList<string> users, int maxReconnectBackoffMs)
{
    public const string KillRetrieval = "retrieval";
    public const string KillRanking = "ranking";

    public async Task<RecoveryReport> RunAsync(
        string kill,
        bool pause,
        int callers,
        TimeSpan before,
        TimeSpan outage,
        TimeSpan after,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        using var channel = GrpcChannel.ForAddress(services.GatewayAddress);
        var client = new GatewayService.GatewayServiceClient(channel);
        long calls = 0,
            failed = 0,
            degraded = 0,
            degradedAfterServing = 0,
            servingAt = 0,
            firstFullAfterServing = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();

        async Task CallAsync(int caller)
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var started = clock.ElapsedTicks;
                try
                {
                    using var call = client.Recommend(
                        new RecommendRequest { UserId = users[ClosedLoop.Spread(caller, n, users.Count)], Count = 10 },
                        deadline: DateTime.UtcNow.AddSeconds(5),
                        cancellationToken: CancellationToken.None
                    );
                    var isDegraded = false;
                    await foreach (var item in call.ResponseStream.ReadAllAsync(CancellationToken.None))
                    {
                        isDegraded |= item.Degraded;
                    }

                    Interlocked.Increment(ref calls);
                    var serving = Interlocked.Read(ref servingAt);
                    var afterServing = serving != 0 && started > serving;
                    if (isDegraded)
                    {
                        Interlocked.Increment(ref degraded);
                        if (afterServing)
                        {
                            Interlocked.Increment(ref degradedAfterServing);
                        }
                    }
                    else if (afterServing)
                    {
                        Interlocked.CompareExchange(ref firstFullAfterServing, clock.ElapsedTicks, 0);
                    }
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failed);
                    await Task.Delay(20, CancellationToken.None);
                }
            }
        }

        var tasks = Enumerable
            .Range(0, callers)
            .Select(c => Task.Run(() => CallAsync(c), CancellationToken.None))
            .ToArray();
        await Task.Delay(before, cancellationToken);
        var position = LocalServices.PositionOf(kill);
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{Interlocked.Read(ref calls)} answers; kill -{(pause ? "STOP" : "9")} {kill}, down for {outage.TotalSeconds} s"
            )
        );
        if (pause)
        {
            // A hang, not a crash: the connections stay open and nothing answers on them until SIGCONT.
            services.Processes[position].Pause();
            try
            {
                await Task.Delay(outage, cancellationToken);
            }
            finally
            {
                services.Processes[position].Resume();
            }
        }
        else
        {
            await services.KillAsync(position);
            await Task.Delay(outage, cancellationToken);
            await services.RestartAsync(position, cancellationToken);
        }

        Interlocked.Exchange(ref servingAt, clock.ElapsedTicks);
        output.WriteLine($"{kill} {(pause ? "running" : "SERVING")} again; calling {after.TotalSeconds} s more");
        await Task.Delay(after, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(tasks);

        var first = Interlocked.Read(ref firstFullAfterServing);
        double? recovery = first == 0 ? null : Math.Round((first - servingAt) / (double)Stopwatch.Frequency, 3);
        return new RecoveryReport(
            kill,
            pause ? "SIGSTOP" : "SIGKILL",
            callers,
            outage.TotalSeconds,
            maxReconnectBackoffMs,
            calls,
            failed,
            degraded,
            degradedAfterServing,
            recovery
        );
    }
}
