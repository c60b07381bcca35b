using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RecServices.ServiceDefaults.Telemetry;

/// <summary>
/// Times a client's unary and server-streaming calls to <paramref name="address"/> into <see cref="RpcMetrics"/>.
/// A streaming call ends when its reader reaches the end or fails; one disposed before that counts as CANCELLED.
/// </summary>
public sealed class RpcClientMetricsInterceptor(RpcMetrics metrics, Uri address) : Interceptor
{
    private readonly ServerEndpoint _server = ServerEndpoint.Of(address);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation
    )
    {
        var started = Stopwatch.GetTimestamp();
        var call = continuation(request, context);
        return new AsyncUnaryCall<TResponse>(
            ObserveAsync(call.ResponseAsync, context.Method.FullName, started),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            call.Dispose
        );
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation
    )
    {
        var started = Stopwatch.GetTimestamp();
        var call = continuation(request, context);
        var reader = new ObservedReader<TResponse>(
            call.ResponseStream,
            metrics,
            _server,
            context.Method.FullName,
            started
        );
        return new AsyncServerStreamingCall<TResponse>(
            reader,
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            () =>
            {
                reader.Abandon();
                call.Dispose();
            }
        );
    }

    private async Task<TResponse> ObserveAsync<TResponse>(Task<TResponse> response, string method, long started)
    {
        try
        {
            var result = await response;
            metrics.RecordClient(method, StatusCode.OK, _server, started);
            return result;
        }
        catch (Exception e)
        {
            metrics.RecordClient(method, RpcMetrics.StatusOf(e, CancellationToken.None), _server, started);
            throw;
        }
    }

    /// <summary>Relays a response stream and records the call once, when it ends, fails or is abandoned.</summary>
    private sealed class ObservedReader<T>(
        IAsyncStreamReader<T> inner,
        RpcMetrics metrics,
        ServerEndpoint server,
        string method,
        long started
    ) : IAsyncStreamReader<T>
    {
        private int _recorded;

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                var more = await inner.MoveNext(cancellationToken);
                if (!more)
                {
                    Record(StatusCode.OK);
                }

                return more;
            }
            catch (Exception e)
            {
                Record(RpcMetrics.StatusOf(e, cancellationToken));
                throw;
            }
        }

        public void Abandon() => Record(StatusCode.Cancelled);

        private void Record(StatusCode status)
        {
            if (Interlocked.Exchange(ref _recorded, 1) == 0)
            {
                metrics.RecordClient(method, status, server, started);
            }
        }
    }
}
