using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Lab.Load;
using RecServices.LocalSystem;

namespace RecServices.Lab.Drill;

/// <summary>
/// Recommend calls to one gateway over one channel, spread over the bundle's users, and the saturation they reach.
/// </summary>
public sealed class GatewayCalls(string gatewayAddress, IReadOnlyList<string> users, TimeSpan deadline) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(gatewayAddress);
    private GatewayClient Gateway => field ??= new GatewayClient(_channel);
    private long _sequence;

    /// <summary>Call <paramref name="n"/>: a whole Recommend stream, its status (OK when answered).</summary>
    public async Task<StatusCode> RecommendAsync(long n)
    {
        try
        {
            await foreach (var _ in Gateway.RecommendAsync(users[ClosedLoop.Spread(0, n, users.Count)], 10, deadline))
            { }

            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    /// <summary>
    /// The answers per second at <paramref name="concurrency"/> callers, closed loop, after 3 s of warm-up (JIT,
    /// connections).
    /// </summary>
    public async Task<LoadSummary> SaturationAsync(
        int concurrency,
        TimeSpan duration,
        CancellationToken cancellationToken
    )
    {
        await ClosedLoop.RunAsync(
            async (_, _, _) => await RecommendAsync(Interlocked.Increment(ref _sequence)),
            concurrency,
            TimeSpan.FromSeconds(3),
            cancellationToken
        );
        return await ClosedLoop.RunAsync(
            async (_, _, _) =>
            {
                var status = await RecommendAsync(Interlocked.Increment(ref _sequence));
                if (status != StatusCode.OK)
                {
                    throw new RpcException(new Status(status, string.Empty)); // counted as a failure, not timed
                }
            },
            concurrency,
            duration,
            cancellationToken
        );
    }

    public void Dispose() => _channel.Dispose();
}
