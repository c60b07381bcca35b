using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using RecServices.Contracts.Gateway.V1;
using RecServices.LocalSystem;

namespace RecServices.Lab.Drill;

/// <summary>
/// A recovery drill on running services: callers ask for recommendations without pause while a backend (retrieval
/// or ranking) is killed with SIGKILL, kept down for the outage and started again (or, paused, hangs with SIGSTOP
/// and runs again with SIGCONT: connections open, nothing answering, so that only deadlines notice). The gateway
/// should answer every call, degraded while the backend is away, and full again as soon as it is back: the drill
/// counts failed calls, degraded answers (and those to calls started after the backend reported SERVING again) and
/// times the return of full answers.
/// </summary>
public sealed class RecoveryDrill(
    LocalServices services,
    IReadOnlyList<string> users,
    string itemId,
    int maxReconnectBackoffMs
)
{
    public const string KillRetrieval = "retrieval";
    public const string KillRanking = "ranking";
    public const string KillRedis = "redis";

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
        var recovery = new Recovery();
        await using var calling = new RecommendCallers(services.GatewayAddress, users, callers, recovery.Answered);
        var writes = new ConcurrentDictionary<string, long>();
        using var stopWriting = new CancellationTokenSource();
        var writer = kill == KillRedis ? WriteAsync(writes, stopWriting.Token) : Task.CompletedTask;
        await Task.Delay(before, cancellationToken);
        var gateway = services.Processes[LocalServices.PositionOf("gateway")];
        var logBefore = gateway.OutputBytes;
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{calling.Calls} answers; kill -{(pause ? "STOP" : "9")} {kill}, down for {outage.TotalSeconds} s"
            )
        );
        await OutageAsync(kill, pause, outage, cancellationToken);
        recovery.ServingAgain(calling.Clock.ElapsedTicks);
        output.WriteLine($"{kill} {(pause ? "running" : "SERVING")} again; calling {after.TotalSeconds} s more");
        await Task.Delay(after, cancellationToken);
        await calling.StopAsync();
        await stopWriting.CancelAsync();
        await writer;
        return new RecoveryReport(
            kill,
            pause ? "SIGSTOP" : "SIGKILL",
            callers,
            outage.TotalSeconds,
            maxReconnectBackoffMs,
            calling.Calls,
            calling.Failed,
            calling.Degraded,
            recovery.DegradedAfterServing,
            recovery.Seconds,
            calling.FailedByStatus.ToDictionary(),
            writes.ToDictionary(),
            gateway.OutputBytes - logBefore
        );
    }

    /// <summary>
    /// <paramref name="kill"/> (a backend, or redis-server) down for <paramref name="outage"/>: killed and restarted, or
    /// paused (a hang, not a crash: the connections stay open and nothing answers on them until SIGCONT).
    /// </summary>
    private async Task OutageAsync(string kill, bool pause, TimeSpan outage, CancellationToken cancellationToken)
    {
        if (kill == KillRedis)
        {
            var redis = services.Redis ?? throw new InvalidOperationException("the services run without redis");
            redis.Pause();
            try
            {
                await Task.Delay(outage, cancellationToken);
            }
            finally
            {
                redis.Resume();
            }

            return;
        }

        var position = LocalServices.PositionOf(kill);
        if (pause)
        {
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
    }

    /// <summary>
    /// One writer beside the callers, a RecordInteraction every 20 ms with a new event id, counted by status.
    /// </summary>
    private async Task WriteAsync(ConcurrentDictionary<string, long> statuses, CancellationToken stop)
    {
        using var channel = GrpcChannel.ForAddress(services.GatewayAddress);
        var client = new GatewayService.GatewayServiceClient(channel);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var (status, _) = await DrillWrites.WatchAsync(
                client,
                users[n % users.Count],
                itemId,
                "drill-" + n.ToString(CultureInfo.InvariantCulture)
            );
            statuses.AddOrUpdate(status.ToString(), 1, (_, c) => c + 1);
            try
            {
                await Task.Delay(20, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// The return of full answers: degraded answers to calls started after the backend was serving again, and the
    /// time from then to the first full answer to such a call.
    /// </summary>
    private sealed class Recovery
    {
        private long _servingAt;
        private long _firstFullAfterServing;
        private long _degradedAfterServing;

        public long DegradedAfterServing => Interlocked.Read(ref _degradedAfterServing);

        /// <summary>
        /// Seconds from serving again to the first full answer to a call started after it (null: none).
        /// </summary>
        public double? Seconds
        {
            get
            {
                var first = Interlocked.Read(ref _firstFullAfterServing);
                return first == 0 ? null : Math.Round((first - _servingAt) / (double)Stopwatch.Frequency, 3);
            }
        }

        public void ServingAgain(long ticks) => Interlocked.Exchange(ref _servingAt, ticks);

        public void Answered(long started, long answered, bool degraded)
        {
            var serving = Interlocked.Read(ref _servingAt);
            if (serving == 0 || started <= serving)
            {
                return;
            }

            if (degraded)
            {
                Interlocked.Increment(ref _degradedAfterServing);
            }
            else
            {
                Interlocked.CompareExchange(ref _firstFullAfterServing, answered, 0);
            }
        }
    }
}
