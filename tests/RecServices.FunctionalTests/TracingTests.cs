using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using RecServices.Contracts.Gateway.V1;

namespace RecServices.FunctionalTests;

public sealed class TracingTests
{
    [Fact]
    public async Task Recommend_OneTraceId_SpansGatewayRetrievalAndRanking()
    {
        var server = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = server.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path);

        using (var call = system.GatewayClient.Recommend(new RecommendRequest { UserId = "u9", Count = 5 }))
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync().WithTimeoutEach())
            {
            }
        }

        await TaskTimeouts.Until(() => Task.FromResult(Method(server, system.RankingPorts.Grpc, "RankingService/RankCandidates") is not null), "the ranking span to end");
        var gateway = Method(server, system.GatewayPorts.Grpc, "GatewayService/Recommend")!;
        var retrieval = Method(server, system.RetrievalPorts.Grpc, "RetrievalService/GetCandidates")!;
        var ranking = Method(server, system.RankingPorts.Grpc, "RankingService/RankCandidates")!;
        Assert.NotNull(gateway);
        Assert.NotNull(retrieval);
        Assert.Equal(gateway.TraceId, retrieval.TraceId);
        Assert.Equal(gateway.TraceId, ranking.TraceId);
        Assert.NotEqual(gateway.SpanId, retrieval.SpanId);
    }

    /// <summary>The server span of <paramref name="method"/> on this test's own host (other tests run hosts at the same time).</summary>
    private static Activity? Method(IEnumerable<Activity> activities, int port, string method) =>
        activities.LastOrDefault(a =>
            a.TagObjects.Any(t => t.Key == "grpc.method" && t.Value is string value && value.EndsWith(method, StringComparison.Ordinal)) &&
            a.TagObjects.Any(t => t.Key == "server.port" && Convert.ToInt32(t.Value, System.Globalization.CultureInfo.InvariantCulture) == port));
}
