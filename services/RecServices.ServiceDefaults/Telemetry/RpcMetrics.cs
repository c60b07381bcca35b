using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;

namespace RecServices.ServiceDefaults.Telemetry;

/// <summary>
/// RPC call durations after the OpenTelemetry RPC semantic conventions: <c>rpc.server.call.duration</c> and
/// <c>rpc.client.call.duration</c> in seconds, with <c>rpc.system.name</c> = grpc, <c>rpc.method</c>
/// (<c>package.Service/Method</c>), <c>rpc.response.status_code</c> (the status name, e.g. <c>UNAVAILABLE</c>),
/// <c>error.type</c> on failures, and <c>server.address</c>/<c>server.port</c> on the client side. A streaming
/// call lasts until its stream ends.
/// </summary>
public sealed class RpcMetrics
{
    public const string ServerDuration = "rpc.server.call.duration";
    public const string ClientDuration = "rpc.client.call.duration";

    /// <summary>Bucket bounds in seconds: this system's calls take 0.1–5 ms, deadlines are about 1 s.</summary>
    public static readonly IReadOnlyList<double> Buckets =
    [
        0.0001,
        0.00025,
        0.0005,
        0.00075,
        0.001,
        0.0025,
        0.005,
        0.0075,
        0.01,
        0.025,
        0.05,
        0.1,
        0.25,
        0.5,
        1,
        2.5,
        5,
        10,
    ];

    private static readonly ConcurrentDictionary<string, string> MethodNames = new(StringComparer.Ordinal);
    private readonly Histogram<double> _server;
    private readonly Histogram<double> _client;

    public RpcMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(RecsTelemetry.MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets };
        _server = meter.CreateHistogram(
            ServerDuration,
            "s",
            "Duration of gRPC calls served, to the end of the response",
            advice: advice
        );
        _client = meter.CreateHistogram(
            ClientDuration,
            "s",
            "Duration of outgoing gRPC calls, to the end of the response",
            advice: advice
        );
    }

    /// <summary>
    /// Records a served call that started at <paramref name="started"/> (<see cref="Stopwatch.GetTimestamp"/>).
    /// </summary>
    public void RecordServer(string method, StatusCode status, long started)
    {
        var tags = Tags(method, status);
        _server.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    /// <summary>
    /// Records an outgoing call to <paramref name="server"/> that started at <paramref name="started"/>.
    /// </summary>
    public void RecordClient(string method, StatusCode status, ServerEndpoint server, long started)
    {
        var tags = Tags(method, status);
        tags.Add(RecsTelemetry.ServerAddress, server.Host);
        tags.Add(RecsTelemetry.ServerPort, server.Port);
        _client.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    /// <summary>
    /// The canonical name of a status code (OK, INVALID_ARGUMENT, …) as gRPC's specification spells it.
    /// </summary>
    public static string StatusName(StatusCode status) =>
        status switch
        {
            StatusCode.OK => "OK",
            StatusCode.Cancelled => "CANCELLED",
            StatusCode.InvalidArgument => "INVALID_ARGUMENT",
            StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
            StatusCode.NotFound => "NOT_FOUND",
            StatusCode.AlreadyExists => "ALREADY_EXISTS",
            StatusCode.PermissionDenied => "PERMISSION_DENIED",
            StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
            StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
            StatusCode.Aborted => "ABORTED",
            StatusCode.OutOfRange => "OUT_OF_RANGE",
            StatusCode.Unimplemented => "UNIMPLEMENTED",
            StatusCode.Internal => "INTERNAL",
            StatusCode.Unavailable => "UNAVAILABLE",
            StatusCode.DataLoss => "DATA_LOSS",
            StatusCode.Unauthenticated => "UNAUTHENTICATED",
            _ => "UNKNOWN",
        };

    /// <summary>The status a call ended with when its handler or reader threw <paramref name="exception"/>.</summary>
    public static StatusCode StatusOf(Exception exception, CancellationToken callCancelled) =>
        exception switch
        {
            RpcException rpc => rpc.StatusCode,
            OperationCanceledException when callCancelled.IsCancellationRequested => StatusCode.Cancelled,
            _ => StatusCode.Unknown,
        };

    private static TagList Tags(string method, StatusCode status)
    {
        // "/package.Service/Method" → "package.Service/Method", once per method.
        var name = MethodNames.GetOrAdd(method, static m => m.TrimStart('/'));
        var tags = new TagList
        {
            { RecsTelemetry.RpcSystemName, "grpc" },
            { RecsTelemetry.RpcMethod, name },
            { RecsTelemetry.RpcResponseStatusCode, StatusName(status) },
        };
        if (status != StatusCode.OK)
        {
            tags.Add(RecsTelemetry.ErrorType, StatusName(status));
        }

        return tags;
    }
}
