namespace RecServices.ServiceDefaults.Telemetry;

/// <summary>The names of this system's meter, attributes and resource attributes.</summary>
public static class RecsTelemetry
{
    /// <summary>The meter of every RecServices instrument (RPC durations and the recommender's own).</summary>
    public const string MeterName = "RecServices";

    /// <summary>
    /// Resource attribute: the version of the bundle the process serves (from its manifest at start).
    /// </summary>
    public const string BundleVersion = "recs.bundle.version";

    /// <summary>Attribute: the candidate source (similar-items, category, country, popular).</summary>
    public const string CandidateSource = "recs.candidate_source";

    /// <summary>Attribute: the dependency whose failure made a response degraded (retrieval, ranking).</summary>
    public const string Dependency = "recs.dependency";

    /// <summary>Histogram bucket bounds of candidate counts (per request: tens to a few thousand).</summary>
    public static readonly IReadOnlyList<int> CandidateBuckets = [0, 10, 25, 50, 100, 200, 300, 500, 1000, 2000, 5000];

    public const string RpcSystemName = "rpc.system.name";
    public const string RpcMethod = "rpc.method";
    public const string RpcResponseStatusCode = "rpc.response.status_code";
    public const string ErrorType = "error.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
}
