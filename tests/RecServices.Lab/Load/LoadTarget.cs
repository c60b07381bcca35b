using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using RecServices.Contracts.Gateway.V1;
using RecServices.LocalSystem;

namespace RecServices.Lab.Load;

/// <summary>
/// The calls the load harness makes against one gateway over one channel: HTTP/2 connections reused, more
/// of them opened when the server's concurrent-stream limit is reached.
/// </summary>
public sealed class LoadTarget : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly GatewayClient _gateway;
    private readonly Health.HealthClient _health;
    private readonly IReadOnlyList<string> _users;
    private readonly IReadOnlyList<string> _items;
    private readonly int _count;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private string? _watched;
    private long _firstSeen;

    /// <param name="address">The gateway's gRPC address.</param>
    /// <param name="users">User ids to request, in turn; each worker starts at its own offset.</param>
    /// <param name="items">Item ids that RecordInteraction records, in turn.</param>
    /// <param name="count">Items per Recommend.</param>
    public LoadTarget(string address, IReadOnlyList<string> users, IReadOnlyList<string> items, int count)
    {
        _channel = GrpcChannel.ForAddress(
            address,
            new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    EnableMultipleHttp2Connections = true,
                    PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                    AutomaticDecompression = DecompressionMethods.None,
                    UseProxy = false,
                },
            }
        );
        _gateway = new GatewayClient(_channel);
        _health = new Health.HealthClient(_channel);
        _users = users;
        _items = items;
        _count = count;
    }

    /// <summary>
    /// When the first answer carrying the <see cref="Watch"/>ed bundle version arrived (a Stopwatch timestamp), or
    /// null.
    /// </summary>
    public long? FirstSeen => Interlocked.Read(ref _firstSeen) is var seen and not 0 ? seen : null;

    /// <summary>Notes the first answer that carries <paramref name="version"/> from now on.</summary>
    public void Watch(string version) => _watched = version;

    /// <summary>
    /// One Recommend, its whole stream read; a degraded answer counts as an error (status UNAVAILABLE).
    /// </summary>
    public async Task RecommendAsync(int worker, long sequence, CancellationToken cancellationToken)
    {
        var user = _users[ClosedLoop.Spread(worker, sequence, _users.Count)];
        var received = 0;
        await foreach (var item in _gateway.RecommendAsync(user, _count, TimeSpan.FromSeconds(10), cancellationToken))
        {
            if (item.Degraded)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"degraded: {item.DegradedReason}"));
            }

            received++;
            if (_watched is { } watched && item.BundleVersion == watched)
            {
                Interlocked.CompareExchange(ref _firstSeen, System.Diagnostics.Stopwatch.GetTimestamp(), 0);
            }
        }

        if (received == 0)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, $"empty list for user {user}"));
        }
    }

    /// <summary>
    /// One RecordInteraction (a watch of the next item by the next user, with its own event id): a write
    /// acknowledged once durable.
    /// </summary>
    public async Task RecordInteractionAsync(int worker, long sequence, CancellationToken cancellationToken)
    {
        var request = new RecordInteractionRequest
        {
            UserId = _users[ClosedLoop.Spread(worker, sequence, _users.Count)],
            ItemId = _items[(int)((sequence * 31 + worker * 17L) % _items.Count)],
            Kind = InteractionKind.Watched,
            EventId = string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"load-{_run}-{worker}-{sequence}"
            ),
        };
        await _gateway.RecordAsync(request, TimeSpan.FromSeconds(10), cancellationToken);
    }

    /// <summary>The floor: grpc.health.v1 Check, a trivial unary call on the same process and channel.</summary>
    public async Task HealthCheckAsync(int worker, long sequence, CancellationToken cancellationToken) =>
        await _health.CheckAsync(
            new HealthCheckRequest(),
            deadline: DateTime.UtcNow.AddSeconds(10),
            cancellationToken: cancellationToken
        );

    public void Dispose() => _channel.Dispose();
}
