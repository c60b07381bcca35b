using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using RecServices.Contracts.Gateway.V1;

namespace RecServices.FunctionalTests;

/// <summary>
/// The gateway's edge as an outside caller finds it: health and metrics only on the HTTP port whatever the Host header
/// says, requests sized to the gateway's own, and health Watch streams bounded.
/// </summary>
public sealed class EdgeTests
{
    [Fact]
    public async Task MetricsAndHealth_OnTheGrpcPortWithAHostHeaderNamingTheHttpPort_AreNotFound()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path);
        var ports = system.GatewayPorts;
        // h2c with prior knowledge to the gRPC port, the authority naming the HTTP port: curl --http2-prior-knowledge
        // --connect-to ::127.0.0.1:GRPC http://127.0.0.1:HTTP/metrics
        using var http2 = new HttpClient(
            new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancel) =>
                {
                    var socket = new System.Net.Sockets.Socket(
                        System.Net.Sockets.SocketType.Stream,
                        System.Net.Sockets.ProtocolType.Tcp
                    );
                    await socket.ConnectAsync(IPAddress.Loopback, ports.Grpc, cancel);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                },
            }
        )
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var http1 = new HttpClient();

        foreach (var path in new[] { "/metrics", "/healthz", "/healthz/live" })
        {
            using var onGrpcPort = await http2.GetAsync($"http://127.0.0.1:{ports.Http}{path}").WithTimeout();
            using var onHttpPort = await http1.GetAsync($"http://127.0.0.1:{ports.Http}{path}").WithTimeout();

            Assert.Equal(HttpStatusCode.NotFound, onGrpcPort.StatusCode);
            Assert.Equal(HttpStatusCode.OK, onHttpPort.StatusCode);
        }
    }

    [Fact]
    public async Task Request_LargerThanTheGatewaysLimit_IsResourceExhaustedBeforeItIsRead()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            system
                .GatewayClient.RecordInteractionAsync(
                    new RecordInteractionRequest
                    {
                        UserId = "u1",
                        ItemId = "i1",
                        Kind = InteractionKind.Watched,
                        EventId = new string('e', 70_000),
                    },
                    deadline: DateTime.UtcNow.AddSeconds(30)
                )
                .ResponseAsync.WithTimeout()
        );

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("at most 65536 are accepted", e.Status.Detail);
    }

    [Fact]
    public async Task HealthWatch_PastTheBound_IsResourceExhausted_AndAClosedOneFreesItsPlace()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path, ["--Recs:MaxHealthWatches=2"]);
        using var channel = GrpcChannel.ForAddress(system.GatewayPorts.GrpcAddress);
        var health = new Health.HealthClient(channel);

        async Task<AsyncServerStreamingCall<HealthCheckResponse>> OpenAsync(CancellationToken cancel)
        {
            var call = health.Watch(new HealthCheckRequest(), cancellationToken: cancel);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
            return call;
        }

        using var stopFirst = new CancellationTokenSource();
        using var first = await OpenAsync(stopFirst.Token);
        using var second = await OpenAsync(CancellationToken.None);
        var third = await Assert.ThrowsAsync<RpcException>(() => OpenAsync(CancellationToken.None));
        await stopFirst.CancelAsync();
        // the server sees the first one end a moment later
        await TaskTimeouts.Until(
            async () =>
            {
                try
                {
                    using var again = await OpenAsync(CancellationToken.None);
                    return true;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
                {
                    return false;
                }
            },
            "a Watch after one closed"
        );

        Assert.Equal(StatusCode.ResourceExhausted, third.StatusCode);
        Assert.Contains("use Check", third.Status.Detail);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, second.ResponseStream.Current.Status);
    }
}
