using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Contracts.Gateway.V1;
using RecServices.Lab.Load;

namespace RecServices.Lab.Drill;

/// <summary>
/// A deadline storm: on one HTTP/2 connection to the gateway, storm callers ask for recommendations with deadlines
/// of 1–5 ms (almost every call is cut short and its stream reset by the client) beside normal callers with 5 s
/// deadlines. The figure that matters: the normal callers' failed calls (a connection closed by the server for
/// too many resets, or for its output queue, fails every call on it).
/// </summary>
public sealed class StormDrill(string gatewayAddress, string gatewayMetricsAddress, IReadOnlyList<string> users)
{
    public async Task<StormReport> RunAsync(
        int stormCallers,
        int normalCallers,
        TimeSpan duration,
        CancellationToken cancellationToken
    )
    {
        // one connection for everyone: what a shared client has
        using var channel = GrpcChannel.ForAddress(gatewayAddress);
        var client = new GatewayService.GatewayServiceClient(channel);
        var counts = new Counts();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task CallAsync(int caller, bool storm)
        {
            var random = new Random(caller);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var deadline = storm ? TimeSpan.FromMilliseconds(1 + random.Next(5)) : TimeSpan.FromSeconds(5);
                try
                {
                    using var call = client.Recommend(
                        new RecommendRequest { UserId = users[ClosedLoop.Spread(caller, n, users.Count)], Count = 10 },
                        deadline: DateTime.UtcNow + deadline,
                        cancellationToken: CancellationToken.None
                    );
                    await foreach (var _ in call.ResponseStream.ReadAllAsync(CancellationToken.None)) { }

                    counts.Add(storm, StatusCode.OK);
                }
                catch (RpcException e)
                {
                    counts.Add(storm, e.StatusCode);
                }
            }
        }

        var clock = Stopwatch.StartNew();
        var tasks = Enumerable
            .Range(0, stormCallers)
            .Select(c => Task.Run(() => CallAsync(c, storm: true), CancellationToken.None))
            .Concat(
                Enumerable
                    .Range(stormCallers, normalCallers)
                    .Select(c => Task.Run(() => CallAsync(c, storm: false), CancellationToken.None))
            )
            .ToArray();
        await Task.Delay(duration, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        var seconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
        return counts.Report(stormCallers, normalCallers, seconds) with
        {
            ClosedConnections = await ClosedConnectionsAsync(gatewayMetricsAddress, cancellationToken),
        };
    }

    /// <summary>
    /// The gateway's HTTP/2 connections that ended in an error, by Kestrel's reason (kestrel.connection.duration's
    /// error.type).
    /// </summary>
    public static async Task<string> ClosedConnectionsAsync(string metricsAddress, CancellationToken cancellationToken)
    {
        var page = await MetricsPage.ReadAsync(metricsAddress, cancellationToken);
        return string.Join(
            ", ",
            page.SumBy("kestrel_connection_duration_seconds_count", "error_type")
                .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key} {r.Value}"))
        );
    }

    /// <summary>Outcomes by kind of caller and status.</summary>
    private sealed class Counts
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<(bool Storm, StatusCode Status), long> _counts = [];

        public void Add(bool storm, StatusCode status)
        {
            lock (_lock)
            {
                _counts[(storm, status)] = _counts.GetValueOrDefault((storm, status)) + 1;
            }
        }

        public StormReport Report(int stormCallers, int normalCallers, double seconds)
        {
            long Of(bool storm, Func<StatusCode, bool> which) =>
                _counts.Where(c => c.Key.Storm == storm && which(c.Key.Status)).Sum(c => c.Value);
            var normalOk = Of(false, s => s == StatusCode.OK);
            var normalFailed = Of(false, s => s != StatusCode.OK);
            return new StormReport(
                stormCallers,
                normalCallers,
                seconds,
                normalOk,
                normalFailed,
                normalOk + normalFailed == 0 ? 0 : Math.Round(100.0 * normalFailed / (normalOk + normalFailed), 2),
                string.Join(
                    ", ",
                    _counts
                        .Where(c => !c.Key.Storm && c.Key.Status != StatusCode.OK)
                        .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key.Status} {c.Value}"))
                ),
                Of(true, s => s == StatusCode.OK),
                Of(true, s => s == StatusCode.DeadlineExceeded),
                Of(true, s => s is not (StatusCode.OK or StatusCode.DeadlineExceeded))
            );
        }
    }
}

/// <summary>What the deadline storm did to the callers sharing its connection.</summary>
public sealed record StormReport(
    [property: JsonPropertyName("storm_callers")] int StormCallers,
    [property: JsonPropertyName("normal_callers")] int NormalCallers,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("normal_ok")] long NormalOk,
    [property: JsonPropertyName("normal_failed")] long NormalFailed,
    [property: JsonPropertyName("normal_failed_percent")] double NormalFailedPercent,
    [property: JsonPropertyName("normal_failures")] string NormalFailures,
    [property: JsonPropertyName("storm_ok")] long StormOk,
    [property: JsonPropertyName("storm_deadline_exceeded")] long StormDeadlineExceeded,
    [property: JsonPropertyName("storm_other")] long StormOther
)
{
    /// <summary>
    /// The gateway's connections that ended in an error during the run, by Kestrel's reason (empty: none).
    /// </summary>
    [JsonPropertyName("closed_connections")]
    public string ClosedConnections { get; init; } = string.Empty;
}
