using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Lab.Load;
using RecServices.LocalSystem;

namespace RecServices.Lab.Drill;

/// <summary>
/// Callers asking the gateway for recommendations without pause, over one connection, until stopped: each answer
/// counted as full or degraded and by the bundle versions its items came from; a failed call counted, then the
/// caller goes on after 20 ms. What the drills run beside the failure they cause.
/// </summary>
public sealed class RecommendCallers : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly GatewayClient _client;
    private readonly IReadOnlyList<string> _users;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _callers;
    private long _calls;
    private long _failed;
    private long _degraded;

    /// <param name="gatewayAddress">The gateway's gRPC address.</param>
    /// <param name="users">The users asked for, spread over the callers.</param>
    /// <param name="callers">How many call at once.</param>
    /// <param name="answered">
    /// Told of each answered call: when it started and when it ended (<see cref="Clock"/> ticks), whether it was
    /// degraded.
    /// </param>
    public RecommendCallers(
        string gatewayAddress,
        IReadOnlyList<string> users,
        int callers,
        Action<long, long, bool>? answered = null
    )
    {
        _channel = GrpcChannel.ForAddress(gatewayAddress);
        _client = new GatewayClient(_channel);
        _users = users;
        Answered = answered;
        _callers = [.. Enumerable.Range(0, callers).Select(c => Task.Run(() => CallAsync(c), CancellationToken.None))];
    }

    /// <summary>Started with the callers.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public long Calls => Interlocked.Read(ref _calls);

    public long Failed => Interlocked.Read(ref _failed);

    public long Degraded => Interlocked.Read(ref _degraded);

    /// <summary>Failed calls, by status.</summary>
    public ConcurrentDictionary<string, long> FailedByStatus { get; } = new();

    /// <summary>Items answered, by the bundle version they came from.</summary>
    public ConcurrentDictionary<string, long> Versions { get; } = new();

    private Action<long, long, bool>? Answered { get; }

    /// <summary>Stops the callers and waits for their calls in flight to end.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_callers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        _channel.Dispose();
    }

    private async Task CallAsync(int caller)
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var started = Clock.ElapsedTicks;
            try
            {
                var degraded = false;
                await foreach (
                    var item in _client.RecommendAsync(
                        _users[ClosedLoop.Spread(caller, n, _users.Count)],
                        10,
                        TimeSpan.FromSeconds(5)
                    )
                )
                {
                    degraded |= item.Degraded;
                    Versions.AddOrUpdate(item.BundleVersion, 1, (_, c) => c + 1);
                }

                Interlocked.Increment(ref _calls);
                if (degraded)
                {
                    Interlocked.Increment(ref _degraded);
                }

                Answered?.Invoke(started, Clock.ElapsedTicks, degraded);
            }
            catch (RpcException e)
            {
                Interlocked.Increment(ref _failed);
                FailedByStatus.AddOrUpdate(e.StatusCode.ToString(), 1, (_, c) => c + 1);
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }
}
