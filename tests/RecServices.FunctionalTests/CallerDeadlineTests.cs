using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RecServices.Contracts.Gateway.V1;

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
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path, configureServices: services =>
        {
            services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<SlowRanking>());
            var provider = new FakeLoggerProvider();
            lock (providers)
            {
                providers.Add(provider);
            }

            services.AddSingleton<ILoggerProvider>(provider);
        });
        var gatewayLog = providers[^1];

        var statuses = new List<StatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var call = system.GatewayClient.Recommend(new RecommendRequest { UserId = $"u{i + 1}", Count = 10 }, deadline: DateTime.UtcNow.AddMilliseconds(300));
            var e = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await foreach (var _ in call.ResponseStream.ReadAllAsync().WithTimeoutEach())
                {
                }
            });
            statuses.Add(e.StatusCode);
        }

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{system.GatewayPorts.Http}/metrics").WithTimeout();

        Assert.All(statuses, s => Assert.Equal(StatusCode.DeadlineExceeded, s));
        Assert.DoesNotContain("recs_gateway_degraded_responses", metrics, StringComparison.Ordinal);
        Assert.Empty(gatewayLog.Collector.GetSnapshot().Where(l => l.Level >= LogLevel.Warning).Select(l => $"{l.Category}: {l.Message}"));
    }

    /// <summary>Ranking that takes two seconds before it starts (every other RPC untouched).</summary>
    private sealed class SlowRanking : Interceptor
    {
        public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
            TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            if (context.Method.EndsWith("/RankCandidates", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(2), context.CancellationToken);
            }

            await continuation(request, responseStream, context);
        }
    }
}
