using System.Text.Json;

namespace RecServices.AppHost;

/// <summary>
/// The ready-to-paste calls of Recommend the AppHost prints once the gateway serves, for a user of the bundle.
/// </summary>
public static class FirstCall
{
    /// <summary>
    /// A <c>buf curl</c> and a <c>grpcurl</c> line asking the gateway on <paramref name="port"/> for
    /// <paramref name="userId"/>'s top 5.
    /// </summary>
    public static IReadOnlyList<string> Lines(string userId, int port)
    {
        var body = Quote(
            JsonSerializer.Serialize(new Dictionary<string, object> { ["user_id"] = userId, ["count"] = 5 })
        );
        return
        [
            $"buf curl --http2-prior-knowledge --protocol grpc -d {body} "
                + $"{AppHostPorts.Address(port)}/recservices.gateway.v1.GatewayService/Recommend",
            $"grpcurl -plaintext -d {body} localhost:{port} recservices.gateway.v1.GatewayService/Recommend",
        ];
    }

    /// <summary>
    /// <paramref name="text"/> as one POSIX shell word (single quotes; a quote inside closed, escaped and
    /// reopened).
    /// </summary>
    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
