using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RecServices.GrpcHardening;

/// <summary>
/// What a host facing untrusted callers adds on top of grpc-dotnet and Kestrel (Grpc.AspNetCore 2.x, ASP.NET Core
/// 10), each workaround against an upstream behaviour:
/// <list type="bullet">
/// <item><see cref="CheckedMethodProvider{TService}"/>: grpc-dotnet parses a request inside the handler pipeline, so
/// bytes that are not the message answer UNKNOWN ("Exception was thrown by handler") and log an Error with a stack
/// trace per request; here INTERNAL saying what to send, and one Warning a minute.</item>
/// <item><see cref="CheckedCompression"/>: a gzip body that does not decompress throws deep in grpc-dotnet's reader
/// (UNKNOWN); here INTERNAL, saying so.</item>
/// <item><see cref="LengthPrefixCheck"/>: grpc-dotnet answers a length prefix past 2 GiB with UNKNOWN (and reads
/// before it checks); here RESOURCE_EXHAUSTED from the prefix alone.</item>
/// <item><see cref="HealthWatchLimit"/>: Grpc.AspNetCore.HealthChecks keeps every grpc.health.v1 Watch open as long
/// as its caller likes, unauthenticated; here a bound on how many.</item>
/// <item><see cref="HttpPortOnly"/>: ASP.NET Core routes by path whatever socket a request came in on, so
/// /metrics and /healthz would answer on the public gRPC port too; here only on the HTTP/1.1 port.</item>
/// <item><see cref="RequestChecks"/>: Protobuf has no length or range limits of its own; the handlers' INVALID_ARGUMENT
/// checks naming the field.</item>
/// </list>
/// </summary>
public static class RequestHardening
{
    /// <summary>
    /// Every generated service bound with checked request parsing, gzip with checked decompression, and the one
    /// rate-limited Warning for requests that cannot be read (<see cref="UnparseableRequests"/>). The length prefix
    /// check is middleware (<see cref="LengthPrefixCheck.UseLengthPrefixCheck"/>).
    /// </summary>
    public static IServiceCollection AddRequestHardening(this IServiceCollection services)
    {
        services.AddSingleton<UnparseableRequests>();
        services.TryAddSingleton(TimeProvider.System);
        services.RemoveAll(typeof(IServiceMethodProvider<>));
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(CheckedMethodProvider<>))
        );
        services
            .AddOptions<GrpcServiceOptions>()
            .PostConfigure<UnparseableRequests>(
                (grpc, unparseable) =>
                    grpc.CompressionProviders = [
                        .. grpc.CompressionProviders.Select(p =>
                            p as CheckedCompression ?? new CheckedCompression(p, unparseable)
                        ),
                    ]
            );
        return services;
    }
}
