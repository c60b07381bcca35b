namespace RecServices.FunctionalTests;

/// <summary>A real client (buf curl) discovers every service through reflection and calls Recommend.</summary>
public sealed class ReflectionTests(SystemFixture fixture) : IClassFixture<SystemFixture>
{
    [BufFact]
    public async Task BufCurl_ThroughReflection_ListsEveryServiceAndCallsRecommend()
    {
        var system = fixture.System;
        var expected = new Dictionary<int, string>
        {
            [system.GatewayPorts.Grpc] = "recservices.gateway.v1.GatewayService/Recommend",
            [system.RetrievalPorts.Grpc] = "recservices.retrieval.v1.RetrievalService/GetCandidates",
            [system.RankingPorts.Grpc] = "recservices.ranking.v1.RankingService/RankCandidates",
        };
        foreach (var (port, method) in expected)
        {
            var (code, output) = await ExternalTools.RunAsync(
                ExternalTools.Buf!,
                ["curl", "--http2-prior-knowledge", "--protocol", "grpc", "--list-methods", $"http://127.0.0.1:{port}"]
            );

            Assert.True(code == 0, output);
            Assert.Contains(method, output);
            Assert.Contains("grpc.health.v1.Health/Check", output);
        }

        var (called, response) = await ExternalTools.RunAsync(
            ExternalTools.Buf!,
            [
                "curl",
                "--http2-prior-knowledge",
                "--protocol",
                "grpc",
                "-d",
                "{\"user_id\":\"u1\",\"count\":3}",
                $"{system.GatewayPorts.GrpcAddress}/recservices.gateway.v1.GatewayService/Recommend",
            ]
        );
        Assert.True(called == 0, response);
        Assert.Contains("\"rank\": 3", response);
    }
}
