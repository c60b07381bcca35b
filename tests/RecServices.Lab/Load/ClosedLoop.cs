using System.Diagnostics;
using Grpc.Core;

namespace RecServices.Lab.Load;

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers, each issuing its next call as soon as the last
/// one ends, for a fixed time. Successful calls are timed (start of the call to the end of its response);
/// failed ones are counted by gRPC status code.
/// </summary>
public static class ClosedLoop
{
    /// <summary>
    /// One call; <paramref name="sequence"/> numbers the calls of one worker (e.g. to pick the next user).
    /// </summary>
    public delegate Task Call(int worker, long sequence, CancellationToken cancellationToken);

    /// <summary>
    /// The index among <paramref name="count"/> (users, requests) that call <paramref name="sequence"/> of
    /// <paramref name="worker"/> takes: consecutive calls and different workers spread over the whole list.
    /// </summary>
    public static int Spread(int worker, long sequence, int count) =>
        (int)((sequence * 7919 + worker * 104_729L) % count);

    public static async Task<LoadSummary> RunAsync(
        Call call,
        int concurrency,
        TimeSpan duration,
        CancellationToken cancellationToken
    )
    {
        var (latencies, errors, seconds) = await CollectAsync(call, concurrency, duration, cancellationToken);
        return LoadSummary.From(latencies, errors, seconds);
    }

    /// <summary>
    /// The same, returning the latencies of the successful calls (milliseconds, unsorted), the failures by status
    /// code and the seconds it ran: windows of one call measured apart can then be summarised together.
    /// </summary>
    public static async Task<(
        List<double> Latencies,
        Dictionary<StatusCode, long> Errors,
        double Seconds
    )> CollectAsync(Call call, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = new Worker[concurrency];
        var clock = Stopwatch.StartNew();
        stop.CancelAfter(duration);
        var tasks = Enumerable
            .Range(0, concurrency)
            .Select(w =>
                Task.Run(() => (workers[w] = new Worker()).RunAsync(call, w, stop.Token), CancellationToken.None)
            )
            .ToArray();
        await Task.WhenAll(tasks);
        var seconds = clock.Elapsed.TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();

        var latencies = new List<double>(workers.Sum(w => w.Latencies.Count));
        var errors = new Dictionary<StatusCode, long>();
        foreach (var worker in workers)
        {
            latencies.AddRange(worker.Latencies);
            foreach (var (code, count) in worker.Errors)
            {
                errors[code] = errors.GetValueOrDefault(code) + count;
            }
        }

        return (latencies, errors, seconds);
    }

    private sealed class Worker
    {
        public List<double> Latencies { get; } = new(1 << 14);

        public Dictionary<StatusCode, long> Errors { get; } = [];

        public async Task RunAsync(Call call, int worker, CancellationToken stop)
        {
            for (long sequence = 0; !stop.IsCancellationRequested; sequence++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    // The stop token is not passed to the call: the call in flight at the end completes and counts.
                    await call(worker, sequence, CancellationToken.None);
                    Latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (RpcException e)
                {
                    Errors[e.StatusCode] = Errors.GetValueOrDefault(e.StatusCode) + 1;
                }
            }
        }
    }
}
