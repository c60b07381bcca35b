using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RecServices.Contracts.Gateway.V1;

namespace RecServices.FunctionalTests;

/// <summary>
/// Load shedding at the gateway: with Recs:MaxConcurrentCalls in flight, one more call is answered
/// RESOURCE_EXHAUSTED at once (a write included, and it writes nothing), while health checks and the calls in
/// flight are served.
/// </summary>
public sealed class LoadSheddingTests
{
    [Fact]
    public async Task CallsPastTheLimit_AreShedAtOnce_TheAdmittedOnesAndHealthChecksAreServed()
    {
        var gate = new HeldRanking();
        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            ["--Recs:MaxConcurrentCalls=2"],
            services =>
            {
                services.AddSingleton(gate);
                services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<HeldRanking.Interceptor>());
            }
        );

        var admitted = new[] { system.RecommendAsync("u1", 5), system.RecommendAsync("u2", 5) };
        await TaskTimeouts.Until(() => Task.FromResult(gate.Waiting >= 2), "both admitted calls to reach ranking");
        var shed = await Task.WhenAll(
            Enumerable
                .Range(3, 4)
                .Select(u => Assert.ThrowsAsync<RpcException>(() => system.RecommendAsync($"u{u}", 5)))
        );
        var write = await Assert.ThrowsAsync<RpcException>(() =>
            system
                .GatewayClient.RecordInteractionAsync(
                    new RecordInteractionRequest
                    {
                        UserId = "u9",
                        ItemId = "i3",
                        Kind = InteractionKind.Watched,
                        EventId = "shed-write",
                    }
                )
                .ResponseAsync.WithTimeout()
        );
        var health = await ServiceSystem.HealthAsync(system.GatewayPorts.Grpc);
        gate.Release();
        var served = await Task.WhenAll(admitted).WithTimeout();
        // The same event id with another item: ALREADY_EXISTS had the shed call recorded anything.
        var after = await system
            .GatewayClient.RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = "u9",
                    ItemId = "i4",
                    Kind = InteractionKind.Watched,
                    EventId = "shed-write",
                }
            )
            .ResponseAsync.WithTimeout();

        Assert.All(shed.Append(write), e => Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode));
        Assert.All(
            shed.Append(write),
            e =>
                Assert.Equal(
                    "the gateway is at its limit of 2 calls in flight; retry after a short, jittered backoff",
                    e.Status.Detail
                )
        );
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health);
        Assert.All(served, list => Assert.Equal(5, list.Count));
        Assert.All(served, list => Assert.All(list, i => Assert.False(i.Degraded)));
        Assert.Equal("shed-write", after.EventId);
    }

    /// <summary>Holds every RankCandidates call until released, counting those waiting.</summary>
    public sealed class HeldRanking
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        public int Waiting => Volatile.Read(ref _waiting);

        public void Release() => _released.TrySetResult();

        public sealed class Interceptor(HeldRanking held) : Grpc.Core.Interceptors.Interceptor
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
                    Interlocked.Increment(ref held._waiting);
                    await held._released.Task.WaitAsync(context.CancellationToken);
                }

                await continuation(request, responseStream, context);
            }
        }
    }
}
