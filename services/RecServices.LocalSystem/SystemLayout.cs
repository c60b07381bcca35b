namespace RecServices.LocalSystem;

/// <summary>
/// The local system's layout: one bundle served by retrieval, ranking and one or more gateways, each host on its own
/// two loopback ports (gRPC over HTTP/2; HTTP/1.1 for metrics and health), each gateway pointed at both backends.
/// The one place the settings of a local start come from: recs's processes (<see cref="LocalServices"/>) and the
/// tests' in-process hosts run the same hosts with the same settings; only how a host runs differs.
/// </summary>
public sealed record SystemLayout(
    string Bundle,
    HostPorts Retrieval,
    HostPorts Ranking,
    IReadOnlyList<HostPorts> Gateways
)
{
    /// <summary>A layout over <paramref name="bundle"/> on free loopback ports.</summary>
    public static SystemLayout OnFreePorts(string bundle, int gateways = 1) =>
        new(
            Path.GetFullPath(bundle),
            HostPorts.Free(),
            HostPorts.Free(),
            [.. Enumerable.Range(0, gateways).Select(_ => HostPorts.Free())]
        );

    /// <summary>The retrieval host's settings.</summary>
    public string[] RetrievalSettings => HostSettings(Bundle, Retrieval);

    /// <summary>The ranking host's settings.</summary>
    public string[] RankingSettings => HostSettings(Bundle, Ranking);

    /// <summary>
    /// Gateway <paramref name="gateway"/>'s settings: its ports and both backends' gRPC addresses under
    /// <paramref name="backendBase"/> (e.g. <c>http://127.0.0.1</c>, <c>https://127.0.0.1</c>,
    /// <c>dns:///localhost</c>).
    /// </summary>
    public string[] GatewaySettings(int gateway, string backendBase = HostPorts.Loopback) =>
        [
            .. HostSettings(Bundle, Gateways[gateway]),
            $"--Recs:RetrievalAddress={backendBase}:{Retrieval.Grpc}",
            $"--Recs:RankingAddress={backendBase}:{Ranking.Grpc}",
        ];

    /// <summary>The user store (every service's: the gateways' users, everyone's live catalog): a SQLite file in
    /// <paramref name="directory"/>.</summary>
    public static string[] SqliteStore(string directory) =>
        ["--Recs:UserStore=sqlite", $"--Recs:UserStorePath={Path.Combine(directory, "users.db")}"];

    /// <summary>The user store (as above): the Redis at <paramref name="configuration"/>.</summary>
    public static string[] RedisStore(string configuration) =>
        ["--Recs:UserStore=redis", $"--Recs:Redis={configuration}"];

    /// <summary>
    /// What every local host is given: the bundle, its two ports on the loopback address, and a quick retry of a
    /// bundle that is not there yet.
    /// </summary>
    public static string[] HostSettings(string bundle, HostPorts ports) =>
        [
            $"--Recs:BundlePath={bundle}",
            $"--Recs:GrpcPort={ports.Grpc}",
            $"--Recs:HttpPort={ports.Http}",
            "--Recs:ListenAddress=127.0.0.1",
            "--Recs:LoadRetrySeconds=0.2",
        ];
}
