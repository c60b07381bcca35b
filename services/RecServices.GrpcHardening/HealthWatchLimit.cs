using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RecServices.GrpcHardening;

/// <summary>
/// Bounds the grpc.health.v1 Watch streams open at once (Recs:MaxHealthWatches): a Watch needs
/// no token and stays open as long as its caller keeps it, so without a bound anyone reaching the port could hold
/// any number. One past the bound is answered RESOURCE_EXHAUSTED at once; Check (what probes use) is not limited.
/// </summary>
public sealed class HealthWatchLimit(int maxWatches) : Interceptor
{
    public const string WatchMethod = "/grpc.health.v1.Health/Watch";

    private readonly int _max = maxWatches;
    private int _open;

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation
    )
    {
        if (context.Method != WatchMethod)
        {
            await continuation(request, responseStream, context);
            return;
        }

        if (Interlocked.Increment(ref _open) > _max)
        {
            Interlocked.Decrement(ref _open);
            throw new RpcException(
                new Status(
                    StatusCode.ResourceExhausted,
                    $"{_max} health Watch streams are open already: use Check, or retry later"
                )
            );
        }

        try
        {
            await continuation(request, responseStream, context);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }
}
