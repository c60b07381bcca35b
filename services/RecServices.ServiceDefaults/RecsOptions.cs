using System.ComponentModel.DataAnnotations;

namespace RecServices.ServiceDefaults;

/// <summary>
/// Settings every service reads from the configuration section <c>Recs</c> (appsettings, or environment
/// variables such as <c>Recs__BundlePath</c>). Validated at start: a service with bad settings does not start.
/// </summary>
public class RecsOptions
{
    public const string SectionName = "Recs";

    public const string TextLogs = "text";

    public const string JsonLogs = "json";

    /// <summary>
    /// The bundle root written by <c>recs train --out</c> (its current version is served), or a bundle directory.
    /// </summary>
    [Required(
        AllowEmptyStrings = false,
        ErrorMessage = "Recs:BundlePath is required: the bundle root written by 'recs train --out'"
    )]
    public string BundlePath { get; set; } = string.Empty;

    /// <summary>The HTTP/2-only cleartext port that serves gRPC (with reflection and grpc.health.v1).</summary>
    [Range(1, 65535, ErrorMessage = "Recs:GrpcPort must be a TCP port (1-65535)")]
    public int GrpcPort { get; set; }

    /// <summary>The HTTP/1.1 port that serves /healthz and /metrics.</summary>
    [Range(1, 65535, ErrorMessage = "Recs:HttpPort must be a TCP port (1-65535)")]
    public int HttpPort { get; set; }

    /// <summary>Seconds between attempts to load the bundle while it is missing or unreadable.</summary>
    [Range(0.05, 3600, ErrorMessage = "Recs:LoadRetrySeconds must be between 0.05 and 3600")]
    public double LoadRetrySeconds { get; set; } = 5;

    /// <summary>
    /// Seconds between looks at the bundle root's current pointer once a version is served (a promotion is picked
    /// up within this).
    /// </summary>
    [Range(0.05, 3600, ErrorMessage = "Recs:BundlePollSeconds must be between 0.05 and 3600")]
    public double BundlePollSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds a replaced bundle version keeps serving the requests pinned to it (ranking) before it is dropped.
    /// </summary>
    [Range(0, 3600, ErrorMessage = "Recs:PreviousVersionSeconds must be between 0 and 3600")]
    public double PreviousVersionSeconds { get; set; } = 60;

    /// <summary>
    /// The share of traces recorded when traces are exported (OTEL_EXPORTER_OTLP_ENDPOINT set): a new trace is
    /// sampled with this probability, and a call inside a trace follows its caller's decision.
    /// </summary>
    [Range(0.0, 1.0, ErrorMessage = "Recs:TraceSampleRatio must be between 0 and 1")]
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>
    /// Console logs as one line of text per entry ("text", the default) or as JSON objects ("json", for log
    /// collectors).
    /// </summary>
    [RegularExpression("^(text|json)$", ErrorMessage = "Recs:LogFormat must be \"text\" or \"json\"")]
    public string LogFormat { get; set; } = TextLogs;

    /// <summary>
    /// Whether gRPC server reflection is served (what grpcurl and buf curl use to find the methods without the protos).
    /// On by default; the prod overlay turns it off.
    /// </summary>
    public bool Reflection { get; set; } = true;

    /// <summary>
    /// TLS on the gRPC port, mutual TLS with a client CA (section <c>Recs:Tls</c>; off by default: cleartext h2c).
    /// </summary>
    public Tls.TlsOptions Tls { get; set; } = new();

    /// <summary>The address to listen on: "*" (every interface, the default) or an IP such as 127.0.0.1.</summary>
    public string ListenAddress { get; set; } = "*";

    /// <summary>
    /// Whether a caller's traceparent decides sampling (a sampled parent is always recorded). True inside the system
    /// (retrieval and ranking follow the gateway); the gateway sets it false by default, so that an outside caller
    /// cannot force every trace: its traces then sample at <see cref="TraceSampleRatio"/>, parent or not.
    /// </summary>
    public bool TrustTraceParent { get; set; } = true;

    /// <summary>The largest request message the gRPC port accepts, in bytes (gRPC's default: 4 MB).</summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "Recs:MaxRequestBytes must be between 1024 and 67108864")]
    public int MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Open connections Kestrel accepts on all ports together; more wait in the listen backlog.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Recs:MaxConnections must be between 1 and 1000000")]
    public int MaxConnections { get; set; } = 4096;

    /// <summary>Concurrent HTTP/2 streams (calls) per connection; a client opens another connection for more.</summary>
    [Range(1, 10_000, ErrorMessage = "Recs:MaxStreamsPerConnection must be between 1 and 10000")]
    public int MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>
    /// grpc.health.v1 Watch streams open at once (they need no token and last as long as the caller keeps them);
    /// one more is answered RESOURCE_EXHAUSTED. Check stays unlimited.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Recs:MaxHealthWatches must be between 1 and 100000")]
    public int MaxHealthWatches { get; set; } = 64;
}
