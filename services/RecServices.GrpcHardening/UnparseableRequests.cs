using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace RecServices.GrpcHardening;

/// <summary>
/// Requests that could not be read as their message (bytes that do not parse, a compressed body that does not
/// decompress, a length prefix past the size limit): the answer to give, and one Warning line without a stack trace,
/// at most once a minute whatever arrives (hostile traffic must not become a log flood), counting the others.
/// Never logs the bytes.
/// </summary>
internal sealed partial class UnparseableRequests(ILogger<UnparseableRequests> logger, TimeProvider time)
{
    private readonly LogThrottle _throttle = new(time);

    /// <summary>INTERNAL (gRPC's status for a request it cannot parse) saying what to send instead; logged.</summary>
    public RpcException Refuse(string method, Type requestType, Exception problem)
    {
        var message = requestType.GetProperty("Descriptor")?.GetValue(null)
            is Google.Protobuf.Reflection.MessageDescriptor descriptor
            ? descriptor.FullName
            : requestType.Name;
        var reason = problem is InvalidProtocolBufferException ? problem.Message : problem.GetType().Name;
        Note(method, reason);
        return new RpcException(
            new Status(
                StatusCode.Internal,
                $"the request could not be parsed as {message} ({reason}); send one serialized {message} "
                    + $"(see the service's .proto, or server reflection)"
            )
        );
    }

    /// <summary>
    /// Logs one refused request: the first at once, then one line a minute at most with the count since.
    /// </summary>
    public void Note(string method, string reason)
    {
        if (_throttle.Due(out var count))
        {
            LogRefused(logger, count, method, reason);
        }
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Refused {Count} request(s) that could not be read since the last such line (this one: {Method}, "
            + "{Reason}); logged at most once a minute"
    )]
    private static partial void LogRefused(ILogger logger, long count, string method, string reason);
}
