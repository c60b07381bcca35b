using RecServices.ServiceDefaults.Telemetry;

namespace RecServices.FunctionalTests;

/// <summary>With dns:/// addresses the gateway spreads its calls over every backend replica.</summary>
public sealed class ClientBalancingTests
{
    /// <summary>
    /// dns:/// addresses (what the Kubernetes manifests give the gateway, over headless Services) go through
    /// the DNS resolver and the round-robin balancer: the gateway still reaches both backends.
    /// </summary>
    [Fact]
    public async Task Recommend_DnsAddresses_ReachesBothBackendsThroughTheBalancer()
    {
        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            configureServices: HostMetrics.AddTo,
            dnsAddresses: true
        );
        {
            var items = await system.RecommendAsync("u5", 5);

            Assert.Equal(5, items.Count);
            Assert.All(items, i => Assert.False(i.Degraded, i.DegradedReason));
            var client = HostMetrics.Collect(system.Gateway!)[RpcMetrics.ClientDuration];
            Assert.NotEmpty(
                HostMetrics.Points(
                    client,
                    (RecsTelemetry.ServerAddress, "localhost"),
                    (RecsTelemetry.ServerPort, system.RankingPorts.Grpc),
                    (RecsTelemetry.RpcResponseStatusCode, "OK")
                )
            );
        }
    }
}
