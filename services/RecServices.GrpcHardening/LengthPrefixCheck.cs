using System.Buffers;
using System.Buffers.Binary;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RecServices.GrpcHardening;

/// <summary>
/// Reads a gRPC request's length prefix before the gRPC server does: a message declared larger than the server
/// accepts (<see cref="GrpcServiceOptions.MaxReceiveMessageSize"/>, 4 MB by default) is answered RESOURCE_EXHAUSTED
/// at once, whatever the size: grpc-dotnet answers a prefix past 2 GiB with UNKNOWN. Nothing of the body is
/// consumed. A service registered in <see cref="ServiceRequestLimits"/> has its own limit.
/// </summary>
public static class LengthPrefixCheck
{
    public static IApplicationBuilder UseLengthPrefixCheck(this IApplicationBuilder app)
    {
        var max = app
            .ApplicationServices.GetRequiredService<IOptions<GrpcServiceOptions>>()
            .Value.MaxReceiveMessageSize;
        var unparseable = app.ApplicationServices.GetRequiredService<UnparseableRequests>();
        var services = app.ApplicationServices.GetService<ServiceRequestLimits>();
        return max is not { } serverLimit
            ? app
            : app.Use(
                async (context, next) =>
                {
                    if (
                        context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true
                        && HttpProtocol.IsHttp2(context.Request.Protocol)
                        && await DeclaredLengthAsync(context) is { } length
                        && length > (uint)(services?.For(context.Request.Path, serverLimit) ?? serverLimit)
                    )
                    {
                        unparseable.Note(context.Request.Path, "a message larger than the limit");
                        context.Response.StatusCode = StatusCodes.Status200OK;
                        context.Response.ContentType = "application/grpc";
                        context.Response.Headers["grpc-status"] = "8"; // RESOURCE_EXHAUSTED, trailers-only
                        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(
                            $"the request message declares {length} bytes; at most "
                                + $"{services?.For(context.Request.Path, serverLimit) ?? serverLimit} are accepted: "
                                + $"send a smaller request"
                        );
                        return;
                    }

                    await next(context);
                }
            );
    }

    /// <summary>The length in the request's first message prefix; null when the body ends before five bytes.</summary>
    private static async Task<uint?> DeclaredLengthAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        var result = await reader.ReadAtLeastAsync(5, context.RequestAborted);
        var buffer = result.Buffer;
        uint? length = null;
        if (buffer.Length >= 5)
        {
            Span<byte> prefix = stackalloc byte[5];
            buffer.Slice(0, 5).CopyTo(prefix);
            length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        }

        reader.AdvanceTo(buffer.Start); // consume and examine nothing: the gRPC server reads it all again
        return length;
    }
}

/// <summary>
/// Request-size limits of whole gRPC services above the server's (an operator's bulk calls, authenticated): the
/// service's full name to its largest request message. <see cref="LengthPrefixCheck"/> reads it; the gRPC server's own
/// limit for the service must be raised alike (<c>AddServiceOptions</c>).
/// </summary>
public sealed class ServiceRequestLimits : Dictionary<string, int>
{
    public ServiceRequestLimits()
        : base(StringComparer.Ordinal) { }

    /// <summary>The limit for a request to <paramref name="path"/> (/service/method), or <paramref name="otherwise"/>.</summary>
    public int For(PathString path, int otherwise)
    {
        var value = path.Value;
        if (value is { Length: > 1 } && value.IndexOf('/', 1) is var end and > 1)
        {
            return TryGetValue(value[1..end], out var limit) ? limit : otherwise;
        }

        return otherwise;
    }
}
