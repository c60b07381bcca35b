using System.Diagnostics.Metrics;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RecServices.Contracts.Gateway.V1;
using RecServices.Gateway.Services;

namespace RecServices.FunctionalTests;

/// <summary>
/// A caller whose deadline is shorter than ranking takes: the gateway's calls end with the caller's deadline, and what
/// the caller cut short is neither a degraded answer, nor a failure of ranking in the gateway's log or metrics.
/// </summary>
public sealed class CallerDeadlineTests
{
    [Fact]
    public async Task Recommend_CallerDeadlineShorterThanRanking_IsNeitherLoggedNorCountedAsARankingFailure()
    {
        var providers = new List<FakeLoggerProvider>();
        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            configureServices: services =>
            {
                services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<SlowRanking>());
                var provider = new FakeLoggerProvider();
                lock (providers)
                {
                    providers.Add(provider);
                }

                services.AddSingleton<ILoggerProvider>(provider);
            }
        );
        var gatewayLog = providers[^1];
        // connections open and code jitted, with time to spare (ranking's 2 s)
        Assert.NotEmpty(await system.RecommendAsync("u1", 10));
        var before = gatewayLog.Collector.Count; // what start-up wrote

        // This gateway's degraded answers only (test classes run side by side in this process, and /metrics sums every
        // host's instruments of the meter): its own meter is the one its IMeterFactory made.
        var factory = system.Gateway!.Services.GetRequiredService<IMeterFactory>();
        long degraded = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == GatewayMetrics.DegradedResponses)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref degraded, value));
        listener.Start();

        var statuses = new List<StatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var call = system.GatewayClient.Recommend(
                new RecommendRequest { UserId = $"u{i + 1}", Count = 10 },
                deadline: DateTime.UtcNow.AddMilliseconds(300)
            );
            var e = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await foreach (var _ in call.ResponseStream.ReadAllAsync().WithTimeoutEach()) { }
            });
            statuses.Add(e.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(StatusCode.DeadlineExceeded, s));
        Assert.Equal(0, Interlocked.Read(ref degraded));
        Assert.Empty(
            gatewayLog
                .Collector.GetSnapshot()
                .Skip(before)
                .Where(l => l.Level >= LogLevel.Warning)
                .Select(l => $"{l.Category}: {l.Message}")
        );
    }

    /// <summary>Ranking that takes two seconds before it starts (every other RPC untouched).</summary>
    private sealed class SlowRanking : Interceptor
    {
        public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
            TRequest request,
            IServerStreamWriter<TResponse> responseStream,
            ServerCallContext context,
            ServerStreamingServerMethod<TRequest, TResponse> continuation
        )
        {
            if (context.Method.EndsWith("/RankCandidates", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(2), context.CancellationToken);
            }

            await continuation(request, responseStream, context);
        }
    }
}
