using Grpc.Core;
using Xunit.Abstractions;

namespace RecServices.FunctionalTests;

/// <summary>
/// Requests no client would send, as raw HTTP/2 to every RPC of every service: unparseable ones get INTERNAL saying the
/// request could not be parsed, oversized ones RESOURCE_EXHAUSTED; each process stays healthy.
/// </summary>
public sealed class MalformedRequestTests(SystemFixture fixture, ITestOutputHelper output)
    : IClassFixture<SystemFixture>
{
    public static readonly string[] Methods =
    [
        "/recservices.retrieval.v1.RetrievalService/GetCandidates",
        "/recservices.ranking.v1.RankingService/RankCandidates",
        "/recservices.gateway.v1.GatewayService/Recommend",
        "/recservices.gateway.v1.GatewayService/RecordInteraction",
        "/grpc.health.v1.Health/Check",
    ];

    public static IEnumerable<object[]> Cases() =>
        from method in Methods
        from bad in Bodies.Keys
        select new object[] { method, bad };

    private static readonly Dictionary<string, (byte[] Body, string? Encoding, StatusCode Expected)> Bodies = new()
    {
        ["random bytes"] = (
            RawGrpc.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x12, 0x99, 0xAB, 0xCD, 0xEF, 0x01]),
            null,
            StatusCode.Internal
        ),
        ["invalid UTF-8 in field 1"] = (RawGrpc.Frame([0x0A, 0x02, 0xC3, 0x28]), null, StatusCode.Internal),
        ["varint overflow"] = (RawGrpc.Frame([0x10, .. Enumerable.Repeat((byte)0xFF, 11)]), null, StatusCode.Internal),
        ["negative length"] = (
            RawGrpc.Frame([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
            null,
            StatusCode.Internal
        ),
        ["groups nested 200 deep"] = (
            RawGrpc.Frame([.. Enumerable.Repeat((byte)0x0B, 200)]),
            null,
            StatusCode.Internal
        ),
        ["truncated field"] = (RawGrpc.Frame([0x0A, 0x10, 0x61]), null, StatusCode.Internal),
        ["end-group tag without a start"] = (RawGrpc.Frame([0x0C]), null, StatusCode.Internal),
        ["field number 0"] = (RawGrpc.Frame([0x02, 0x01, 0x61]), null, StatusCode.Internal),
        ["plain bytes flagged gzip"] = (
            RawGrpc.Frame([0x0A, 0x02, 0x75, 0x31], compressed: true),
            "gzip",
            StatusCode.Internal
        ),
        ["compressed flag without an encoding"] = (
            RawGrpc.Frame([0x0A, 0x02, 0x75, 0x31], compressed: true),
            null,
            StatusCode.Internal
        ),
        ["a 4 GiB length prefix"] = (
            RawGrpc.Frame([0x0A, 0x02, 0x75, 0x31], length: uint.MaxValue),
            null,
            StatusCode.ResourceExhausted
        ),
        ["a length prefix past the body"] = (
            RawGrpc.Frame([0x0A, 0x02, 0x75, 0x31], length: 100),
            null,
            StatusCode.Internal
        ),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task UnparseableRequest_GetsItsStatusAndAMessage_TheProcessStaysHealthy(string method, string bad)
    {
        var (body, encoding, expected) = Bodies[bad];
        var port = PortOf(method);

        var (status, message) = await RawGrpc.CallAsync(port, method, body, encoding);

        output.WriteLine($"{method} {bad}: {(StatusCode)status} \"{message}\"");
        Assert.Equal(expected, (StatusCode)status);
        Assert.NotEmpty(message);
        Assert.Equal(
            Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving,
            await ServiceSystem.HealthAsync(port)
        );
    }

    private int PortOf(string method) =>
        method switch
        {
            _ when method.Contains("RetrievalService", StringComparison.Ordinal) => fixture.System.RetrievalPorts.Grpc,
            _ when method.Contains("RankingService", StringComparison.Ordinal) => fixture.System.RankingPorts.Grpc,
            _ => fixture.System.GatewayPorts.Grpc,
        };
}
