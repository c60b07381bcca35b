using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using RecServices.Contracts.Gateway.V1;

namespace RecServices.FunctionalTests;

/// <summary>One Recommend is one trace across the gateway, retrieval and ranking.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task Recommend_OneTraceId_SpansGatewayRetrievalAndRanking()
    {
        var server = new ConcurrentBag<Activity>();
        using var listener = ServerSpans(server);
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path, ["--Recs:TrustTraceParent=true"]);

        // The caller's own trace (the gateway configured to follow it): its id travels in traceparent to the gateway and on to both backends
        // (other tests run hosts in this process at the same time; the trace id tells this test's spans apart).
        ActivityTraceId traceId;
        ActivitySpanId callerSpan;
        using (var caller = new Activity("test-caller").Start())
        {
            (traceId, callerSpan) = (caller.TraceId, caller.SpanId);
            using var call = system.GatewayClient.Recommend(new RecommendRequest { UserId = "u9", Count = 5 });
            await foreach (var _ in call.ResponseStream.ReadAllAsync().WithTimeoutEach()) { }
        }

        await TaskTimeouts.Until(
            () => Task.FromResult(Method(server, traceId, "RankingService/RankCandidates") is not null),
            "the ranking span to end"
        );
        var gateway = Method(server, traceId, "GatewayService/Recommend");
        var retrieval = Method(server, traceId, "RetrievalService/GetCandidates");
        var ranking = Method(server, traceId, "RankingService/RankCandidates")!;
        Assert.NotNull(gateway);
        Assert.NotNull(retrieval);
        Assert.NotEqual(callerSpan, gateway.SpanId);
        Assert.NotEqual(gateway.SpanId, retrieval.SpanId);
        Assert.NotEqual(gateway.SpanId, ranking.SpanId);
    }

    [Fact]
    public async Task Recommend_CallersTraceparentByDefault_StartsATraceOfTheGatewaysOwn()
    {
        var server = new ConcurrentBag<Activity>();
        using var listener = ServerSpans(server);
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path);

        ActivityTraceId callerTrace;
        var started = DateTime.UtcNow;
        using (var caller = new Activity("test-caller").Start())
        {
            caller.ActivityTraceFlags = ActivityTraceFlags.Recorded; // "sample me"
            callerTrace = caller.TraceId;
            using var call = system.GatewayClient.Recommend(new RecommendRequest { UserId = "u9", Count = 5 });
            await foreach (var _ in call.ResponseStream.ReadAllAsync().WithTimeoutEach()) { }
        }

        // a gateway span of its own trace, with both backends in it, after the call
        Activity? own = null;
        await TaskTimeouts.Until(
            () =>
            {
                own = server.FirstOrDefault(a =>
                    a.StartTimeUtc >= started
                    && a.TraceId != callerTrace
                    && Method([a], a.TraceId, "GatewayService/Recommend") is not null
                    && Method(server, a.TraceId, "RankingService/RankCandidates") is not null
                );
                return Task.FromResult(own is not null);
            },
            "a Recommend trace of the gateway's own"
        );
        Assert.DoesNotContain(server, a => a.TraceId == callerTrace);
        Assert.False(own!.HasRemoteParent);
    }

    /// <summary>Every ASP.NET Core server span of this process, recorded, into <paramref name="spans"/>.</summary>
    private static ActivityListener ServerSpans(ConcurrentBag<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>The server span of <paramref name="method"/> in the trace <paramref name="traceId"/>.</summary>
    private static Activity? Method(IEnumerable<Activity> activities, ActivityTraceId traceId, string method) =>
        activities.LastOrDefault(a =>
            a.TraceId == traceId
            && a.TagObjects.Any(t =>
                t.Key == "grpc.method" && t.Value is string value && value.EndsWith(method, StringComparison.Ordinal)
            )
        );
}
