using System.Globalization;
using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.Gateway.Auth;

namespace RecServices.Gateway.Services;

/// <summary>
/// The per-caller limit on writes (<see cref="GatewayOptions.WritesPerSecondPerCaller"/>, a token bucket of
/// <see cref="GatewayOptions.WriteBurstPerCaller"/>): the caller is the token's user claim when authentication is on,
/// else the peer's address. A write past it is answered RESOURCE_EXHAUSTED before it touches the store, with the wait
/// in the message and in the <c>grpc-retry-pushback-ms</c> trailer (which gRPC clients' retry policies honour). Each
/// gateway replica counts its own callers. Idle callers' buckets are dropped.
/// </summary>
public sealed class WriteRateLimit : IDisposable
{
    /// <summary>The trailer of gRPC's retry pushback: milliseconds to wait before retrying.</summary>
    public const string PushbackTrailer = "grpc-retry-pushback-ms";

    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly PartitionedRateLimiter<string>? _limiter;
    private readonly AuthOptions _auth;
    private readonly GatewayMetrics _metrics;
    private readonly int _rate;
    private readonly TimeSpan _perToken;

    public WriteRateLimit(IOptions<GatewayOptions> options, GatewayMetrics metrics)
    {
        var o = options.Value;
        (_auth, _metrics, _rate) = (o.Auth, metrics, o.WritesPerSecondPerCaller);
        if (_rate == 0)
        {
            return;
        }

        // tokens added every 100 ms; a rate below 10 per second adds one token every 1/rate seconds
        var (period, tokens) = _rate >= 10 ? (Period, _rate / 10) : (TimeSpan.FromSeconds(1.0 / _rate), 1);
        _perToken = TimeSpan.FromSeconds(1.0 / _rate);
        var burst = Math.Max(o.WriteBurstPerCaller, tokens);
        _limiter = PartitionedRateLimiter.Create<string, string>(caller =>
            RateLimitPartition.GetTokenBucketLimiter(
                caller,
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = burst,
                    TokensPerPeriod = tokens,
                    ReplenishmentPeriod = period,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }
            )
        );
    }

    /// <summary>Throws RESOURCE_EXHAUSTED when the caller of <paramref name="context"/> is past its limit.</summary>
    public void Check(ServerCallContext context)
    {
        if (_limiter is null)
        {
            return;
        }

        using var lease = _limiter.AttemptAcquire(CallerOf(context));
        if (lease.IsAcquired)
        {
            return;
        }

        _metrics.RecordRateLimited();
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : _perToken;
        var ms = Math.Max(1, (int)Math.Ceiling(wait.TotalMilliseconds));
        throw new RpcException(
            new Status(
                StatusCode.ResourceExhausted,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"this caller sends more than {_rate} writes per second: retry after {ms} ms with the same "
                        + $"event_id (nothing was recorded)"
                )
            ),
            new Metadata { { PushbackTrailer, ms.ToString(CultureInfo.InvariantCulture) } }
        );
    }

    public void Dispose() => _limiter?.Dispose();

    /// <summary>The caller: the authenticated user or service, else the peer's address (without its port).</summary>
    private string CallerOf(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (_auth.Enabled && http.User.FindFirst(_auth.UserClaim)?.Value is { } subject)
        {
            return "sub:" + subject;
        }

        return http.Connection.RemoteIpAddress is { } address ? "ip:" + address : "peer:" + context.Peer;
    }
}
