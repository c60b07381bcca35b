using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RecServices.ServiceDefaults.Telemetry;

/// <summary>
/// Times every served call (unary and streaming, health and reflection included) into <see cref="RpcMetrics"/>.
/// </summary>
internal sealed class RpcServerMetricsInterceptor(RpcMetrics metrics) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation
    ) => ObserveAsync(context, () => continuation(request, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation
    ) => ObserveAsync(context, () => continuation(request, responseStream, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation
    ) => ObserveAsync(context, () => continuation(requestStream, context));

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation
    ) => ObserveAsync(context, () => continuation(requestStream, responseStream, context));

    private async Task<T> ObserveAsync<T>(ServerCallContext context, Func<Task<T>> handler)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            return await handler();
        }
        catch (Exception e)
        {
            status = RpcMetrics.StatusOf(e, context.CancellationToken);
            throw;
        }
        finally
        {
            // A handler that returned normally may still have set a status of its own.
            metrics.RecordServer(context.Method, status != StatusCode.OK ? status : context.Status.StatusCode, started);
        }
    }

    private Task<bool> ObserveAsync(ServerCallContext context, Func<Task> handler) =>
        ObserveAsync(
            context,
            async () =>
            {
                await handler();
                return true;
            }
        );
}
