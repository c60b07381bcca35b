using System.Diagnostics;
using System.Text.Json.Serialization;
using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Cli.Load;
using RecServices.Contracts.Gateway.V1;

namespace RecServices.Cli.Drill;

/// <summary>
/// Overload: first the gateway's saturation throughput (closed loop at a concurrency that keeps it busy), then an
/// open loop offering <c>factor</c> × that rate, each call started on its schedule whether or not the ones before
/// have ended. Goodput is the calls answered OK per second; an accepted call's latency counts from its scheduled
/// start (no coordinated omission). With load shedding the gateway answers the excess RESOURCE_EXHAUSTED at once;
/// without it, calls queue until deadlines pass.
/// </summary>
public sealed class OverloadDrill(string gatewayAddress, IReadOnlyList<string> users)
{
    public async Task<OverloadReport> RunAsync(int concurrency, double factor, TimeSpan duration, TimeSpan deadline, int maxConcurrentCalls, TextWriter output, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(gatewayAddress);
        var client = new GatewayService.GatewayServiceClient(channel);

        async Task<StatusCode> RecommendAsync(long n)
        {
            try
            {
                using var call = client.Recommend(new RecommendRequest { UserId = users[ClosedLoop.Spread(0, n, users.Count)], Count = 10 },
                    deadline: DateTime.UtcNow + deadline, cancellationToken: CancellationToken.None);
                await foreach (var _ in call.ResponseStream.ReadAllAsync(CancellationToken.None))
                {
                }

                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }

        long sequence = 0;
        await ClosedLoop.RunAsync(async (_, _, _) => await RecommendAsync(Interlocked.Increment(ref sequence)), concurrency, TimeSpan.FromSeconds(3), cancellationToken); // warm-up
        var saturation = await ClosedLoop.RunAsync(async (_, _, _) =>
        {
            var status = await RecommendAsync(Interlocked.Increment(ref sequence));
            if (status != StatusCode.OK)
            {
                throw new RpcException(new Status(status, string.Empty));
            }
        }, concurrency, duration, cancellationToken);
        var rate = saturation.ThroughputRps * factor;
        output.WriteLine($"saturation: {saturation.ThroughputRps} answers/s at concurrency {concurrency}; offering {rate:F0}/s for {duration.TotalSeconds} s");

        var latencies = new List<double>();
        var statuses = new Dictionary<StatusCode, long>();
        var gate = new Lock();
        var calls = new List<Task>();
        var clock = Stopwatch.StartNew();
        var total = (long)(rate * duration.TotalSeconds);
        for (long i = 0; i < total; i++)
        {
            var due = i / rate;
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0.001)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
            }

            var n = Interlocked.Increment(ref sequence);
            calls.Add(Task.Run(async () =>
            {
                var status = await RecommendAsync(n);
                var ms = (clock.Elapsed.TotalSeconds - due) * 1000; // from the scheduled start
                lock (gate)
                {
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    if (status == StatusCode.OK)
                    {
                        latencies.Add(ms);
                    }
                }
            }, CancellationToken.None));
        }

        var offeredSeconds = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(calls);
        var ok = statuses.GetValueOrDefault(StatusCode.OK);
        var accepted = LoadSummary.From(latencies, new Dictionary<StatusCode, long>(), offeredSeconds);
        var goodput = Math.Round(ok / offeredSeconds, 1);
        return new OverloadReport(maxConcurrentCalls, concurrency, saturation.ThroughputRps, factor, Math.Round(total / offeredSeconds, 1), total, goodput,
            Math.Round(goodput / saturation.ThroughputRps, 3), statuses.GetValueOrDefault(StatusCode.ResourceExhausted), statuses.GetValueOrDefault(StatusCode.DeadlineExceeded),
            statuses.Where(s => s.Key is not (StatusCode.OK or StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded)).Sum(s => s.Value),
            accepted.P50Ms, accepted.P99Ms, deadline.TotalMilliseconds);
    }
}

/// <summary>What offering more than the gateway can serve gave.</summary>
public sealed record OverloadReport(
    [property: JsonPropertyName("max_concurrent_calls")] int MaxConcurrentCalls,
    [property: JsonPropertyName("saturation_concurrency")] int SaturationConcurrency,
    [property: JsonPropertyName("saturation_rps")] double SaturationRps,
    [property: JsonPropertyName("factor")] double Factor,
    [property: JsonPropertyName("offered_rps")] double OfferedRps,
    [property: JsonPropertyName("offered")] long Offered,
    [property: JsonPropertyName("goodput_rps")] double GoodputRps,
    [property: JsonPropertyName("goodput_share_of_saturation")] double GoodputShare,
    [property: JsonPropertyName("shed")] long Shed,
    [property: JsonPropertyName("deadline_exceeded")] long DeadlineExceeded,
    [property: JsonPropertyName("other_failed")] long OtherFailed,
    [property: JsonPropertyName("accepted_p50_ms")] double AcceptedP50Ms,
    [property: JsonPropertyName("accepted_p99_ms")] double AcceptedP99Ms,
    [property: JsonPropertyName("deadline_ms")] double DeadlineMs);
