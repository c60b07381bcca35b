namespace RecServices.AppHost;

/// <summary>The fixed local ports: every resource gets explicit endpoints, so nothing collides on port 5000.</summary>
public static class AppHostPorts
{
    public const int RetrievalGrpc = 5111;
    public const int RetrievalHttp = 5112;
    public const int RankingGrpc = 5121;
    public const int RankingHttp = 5122;
    public const int GatewayGrpc = 5131;
    public const int GatewayHttp = 5132;

    /// <summary>The local redis-server of Recs:UserStore=redis (not 6379, so a system Redis is left alone).</summary>
    public const int Redis = 6390;

    /// <summary>The local system on these ports over <paramref name="bundle"/>: one gateway.</summary>
    public static RecServices.LocalSystem.SystemLayout Layout(string bundle) =>
        new(bundle, new(RetrievalGrpc, RetrievalHttp), new(RankingGrpc, RankingHttp), [new(GatewayGrpc, GatewayHttp)]);

    /// <summary>The cleartext gRPC address of a local port.</summary>
    public static string Address(int port) =>
        "http://localhost:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
