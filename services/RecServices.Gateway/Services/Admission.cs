using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.GrpcHardening;

namespace RecServices.Gateway.Services;

/// <summary>
/// Load shedding: at most <see cref="GatewayOptions.MaxConcurrentCalls"/> Recommend and RecordInteraction calls in the
/// gateway at once; one more is answered RESOURCE_EXHAUSTED at once instead of queueing behind the others until every
/// deadline has passed (past saturation, queueing only adds latency: the throughput is what the machine gives). Logged
/// at most once a minute, with the count of calls shed. 0: no limit.
/// </summary>
public sealed partial class Admission(IOptions<GatewayOptions> options, ILogger<Admission> logger, TimeProvider time)
{
    private readonly int _limit = options.Value.MaxConcurrentCalls;
    private readonly LogThrottle _throttle = new(time);
    private int _inFlight;

    /// <summary>Admits one call (dispose the slot when it ends) or throws RESOURCE_EXHAUSTED.</summary>
    public Slot Enter()
    {
        if (_limit == 0)
        {
            return default;
        }

        if (Interlocked.Increment(ref _inFlight) > _limit)
        {
            Interlocked.Decrement(ref _inFlight);
            if (_throttle.Due(out var shed))
            {
                LogShedding(logger, shed, _limit);
            }

            throw new RpcException(
                new Status(
                    StatusCode.ResourceExhausted,
                    $"the gateway is at its limit of {_limit} calls in flight; retry after a short, jittered backoff"
                )
            );
        }

        return new Slot(this);
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Shed {Count} call(s) past Recs:MaxConcurrentCalls ({Limit}) since the last such line (logged at "
            + "most once a minute)"
    )]
    private static partial void LogShedding(ILogger logger, long count, int limit);

    /// <summary>One admitted call; disposing it frees its place.</summary>
    public readonly struct Slot(Admission? owner) : IDisposable
    {
        public void Dispose()
        {
            if (owner is not null)
            {
                Interlocked.Decrement(ref owner._inFlight);
            }
        }
    }
}
