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
/// consumed.
/// </summary>
public static class LengthPrefixCheck
{
    public static IApplicationBuilder UseLengthPrefixCheck(this IApplicationBuilder app)
    {
        var max = app
            .ApplicationServices.GetRequiredService<IOptions<GrpcServiceOptions>>()
            .Value.MaxReceiveMessageSize;
        var unparseable = app.ApplicationServices.GetRequiredService<UnparseableRequests>();
        return max is not { } limit
            ? app
            : app.Use(
                async (context, next) =>
                {
                    if (
                        context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true
                        && HttpProtocol.IsHttp2(context.Request.Protocol)
                        && await DeclaredLengthAsync(context) is { } length
                        && length > (uint)limit
                    )
                    {
                        unparseable.Note(context.Request.Path, "a message larger than the limit");
                        context.Response.StatusCode = StatusCodes.Status200OK;
                        context.Response.ContentType = "application/grpc";
                        context.Response.Headers["grpc-status"] = "8"; // RESOURCE_EXHAUSTED, trailers-only
                        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(
                            $"the request message declares {length} bytes; at most {limit} are accepted: "
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
