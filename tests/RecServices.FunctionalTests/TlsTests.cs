using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace RecServices.FunctionalTests;

/// <summary>
/// TLS on every gRPC port with certificates the test makes, and mutual TLS from the gateway to retrieval and ranking:
/// full answers through the gateway, and the backends refuse every client but the gateway's certificate.
/// </summary>
public sealed class TlsTests(TlsTests.TlsSystem fixture) : IClassFixture<TlsTests.TlsSystem>
{
    [Fact]
    public async Task Recommend_OverTlsWithMutualTlsToTheBackends_IsAFullAnswer()
    {
        var items = await fixture.System.RecommendAsync("u1", 5);

        Assert.Equal(5, items.Count);
        Assert.All(items, i => Assert.False(i.Degraded, i.DegradedReason));
    }

    [Fact]
    public async Task Backends_WithTheGatewaysCertificate_Serve()
    {
        foreach (var port in fixture.BackendPorts)
        {
            using var channel = fixture.Tls.Channel(port, fixture.Tls.Gateway);

            var status = await new Health.HealthClient(channel).CheckAsync(
                new HealthCheckRequest(),
                deadline: DateTime.UtcNow.AddSeconds(30)
            );

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status.Status);
        }
    }

    [Fact]
    public async Task Backends_RefuseClientsWithoutTheGatewaysCertificate()
    {
        foreach (var port in fixture.BackendPorts)
        {
            foreach (
                var (client, why) in new[]
                {
                    (null, "no certificate"),
                    (fixture.Tls.OtherName, "another name"),
                    (fixture.Tls.OtherCa, "another CA"),
                }
            )
            {
                using var channel = fixture.Tls.Channel(port, client);

                var e = await Assert.ThrowsAsync<RpcException>(() =>
                    new Health.HealthClient(channel)
                        .CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30))
                        .ResponseAsync
                );

                Assert.True(
                    e.StatusCode is StatusCode.Unavailable or StatusCode.Internal,
                    $"port {port}, {why}: {e.Status}"
                );
            }
        }
    }

    [Fact]
    public async Task HttpPorts_ServeReadinessAndLivenessInCleartext_ForProbesThatCannotSpeakTls()
    {
        using var http = new HttpClient();
        foreach (
            var port in new[]
            {
                fixture.System.RetrievalPorts.Http,
                fixture.System.RankingPorts.Http,
                fixture.System.GatewayPorts.Http,
            }
        )
        {
            foreach (var path in new[] { "/healthz", "/healthz/live" })
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{path}")).WithTimeout();

                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
            }
        }
    }

    [Fact]
    public async Task GrpcPorts_RefuseCleartext()
    {
        foreach (var port in fixture.BackendPorts.Append(fixture.System.GatewayPorts.Grpc))
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

            var e = await Assert.ThrowsAsync<RpcException>(() =>
                new Health.HealthClient(channel)
                    .CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30))
                    .ResponseAsync
            );

            Assert.True(e.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"port {port}: {e.Status}");
        }
    }

    [Fact]
    public async Task DnsAddresses_WithBackendTls_BalanceOverTls()
    {
        await using var system = await ServiceSystem.StartAsync(TestBundle.Path, dnsAddresses: true, tls: fixture.Tls);

        var items = await system.RecommendAsync("u2", 5);

        Assert.Equal(5, items.Count);
        Assert.All(items, i => Assert.False(i.Degraded, i.DegradedReason));
    }

    [Fact]
    public async Task Gateway_TrustingAnotherCa_DoesNotTalkToTheBackends()
    {
        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            [$"--Recs:BackendTls:CaPath={fixture.Tls.OtherCaPath}", "--Recs:CallAttempts=1"],
            tls: fixture.Tls
        );

        var items = await system.RecommendAsync("u1", 5);

        Assert.Equal(5, items.Count);
        Assert.All(items, i => Assert.True(i.Degraded));
        Assert.All(items, i => Assert.Contains("retrieval", i.DegradedReason, StringComparison.Ordinal));
    }

    public sealed class TlsSystem : IAsyncLifetime
    {
        public TestTls Tls { get; } = new();

        public ServiceSystem System { get; private set; } = null!;

        public int[] BackendPorts => [System.RetrievalPorts.Grpc, System.RankingPorts.Grpc];

        public async Task InitializeAsync() => System = await ServiceSystem.StartAsync(TestBundle.Path, tls: Tls);

        public async Task DisposeAsync()
        {
            await System.DisposeAsync();
            Tls.Dispose();
        }
    }
}
