using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace RecServices.GrpcHardening;

/// <summary>
/// Health and metrics only on the HTTP/1.1 port: a request for one of those paths that arrived on another socket
/// (the public gRPC port) is answered 404, by the connection's local port, never by the Host header a caller chose.
/// </summary>
public static class HttpPortOnly
{
    public static IApplicationBuilder UseHttpPortOnly(
        this IApplicationBuilder app,
        int httpPort,
        params string[] paths
    ) =>
        app.Use(
            (context, next) =>
            {
                foreach (var path in paths)
                {
                    if (
                        context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)
                        && context.Connection.LocalPort != httpPort
                    )
                    {
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                        return Task.CompletedTask;
                    }
                }

                return next(context);
            }
        );
}
