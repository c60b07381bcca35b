using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RecServices.Contracts.Gateway.V1;
using Xunit.Abstractions;

namespace RecServices.FunctionalTests;

/// <summary>
/// The three real hosts with their default log levels: steady traffic, health checks and callers' mistakes write no
/// log line in any service; what the services log is their own lifecycle.
/// </summary>
public sealed class QuietLogTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SteadyTraffic_HealthChecksAndBadCalls_WriteNoLogLineInAnyService()
    {
        var providers = new List<FakeLoggerProvider>();
        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            configureServices: services =>
            {
                var provider = new FakeLoggerProvider();
                lock (providers)
                {
                    providers.Add(provider);
                }

                services.AddSingleton<ILoggerProvider>(provider);
            }
        );
        // built in this order (a retried start builds again)
        var (retrieval, ranking, gateway) = (providers[^3], providers[^2], providers[^1]);
        await system.RecommendAsync("u1", 10); // first calls: connections, JIT
        var before = new[] { retrieval, ranking, gateway }.Select(p => p.Collector.Count).ToArray();

        const int Calls = 200;
        var client = system.GatewayClient;
        for (var i = 0; i < Calls; i++)
        {
            Assert.NotEmpty(await system.RecommendAsync($"u{1 + (i % 50)}", 10));
            await ServiceSystem.HealthAsync(system.GatewayPorts.Grpc);
            if (i % 10 == 0)
            {
                await client
                    .RecordInteractionAsync(
                        new RecordInteractionRequest
                        {
                            UserId = "u7",
                            ItemId = "i3",
                            Kind = InteractionKind.Watched,
                            EventId = $"quiet-{i}",
                        }
                    )
                    .ResponseAsync.WithTimeout();
                var e = await Assert.ThrowsAsync<RpcException>(() => system.RecommendAsync(string.Empty, 10));
                Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            }
        }

        var written = new[] { retrieval, ranking, gateway }
            .Select((p, s) => p.Collector.GetSnapshot().Skip(before[s]).ToList())
            .ToArray();
        foreach (var (name, lines) in new[] { "retrieval", "ranking", "gateway" }.Zip(written))
        {
            output.WriteLine(
                $"{name}: {lines.Count} lines, {lines.Sum(l => l.Category!.Length + l.Message.Length)} "
                    + $"bytes of category and message over {Calls} Recommend calls"
            );
        }

        Assert.All(written, lines => Assert.Empty(lines.Select(l => $"{l.Level} {l.Category}: {l.Message}")));
        Assert.Contains(
            gateway.Collector.GetSnapshot(),
            l =>
                l.Category == "Microsoft.Hosting.Lifetime"
                || l.Message.StartsWith("Serving bundle version", StringComparison.Ordinal)
        );
    }
}
