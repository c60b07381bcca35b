using System.Diagnostics;
using Grpc.Core;

namespace RecServices.Lab.Load;

/// <summary>
/// An open-loop load generator: calls start at a fixed rate on their schedule, whether or not the ones before have
/// ended (as independent users arrive), so that a slow server meets a growing queue instead of a slower client. Each
/// outcome is reported with its scheduled start and its latency counted from that start (no coordinated omission).
/// </summary>
public static class OpenLoop
{
    /// <summary>One call, numbered; returns its status (OK for an answered call).</summary>
    public delegate Task<StatusCode> Call(long sequence);

    /// <summary>
    /// One outcome: the call's scheduled start (seconds from the run's start), its status, its latency from that
    /// start (ms).
    /// </summary>
    public delegate void Outcome(double scheduledSeconds, StatusCode status, double latencyMs);

    /// <summary>
    /// Runs <paramref name="rate"/> calls a second for <paramref name="duration"/>; returns the seconds the
    /// schedule took once every call ended.
    /// </summary>
    public static async Task<double> RunAsync(
        Call call,
        double rate,
        TimeSpan duration,
        Outcome outcome,
        CancellationToken cancellationToken
    )
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        var calls = new List<Task>();
        var clock = Stopwatch.StartNew();
        var total = (long)(rate * duration.TotalSeconds);
        for (long i = 0; i < total; i++)
        {
            var due = i / rate;
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0.001)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
            }

            var sequence = i;
            calls.Add(
                Task.Run(
                    async () =>
                    {
                        var status = await call(sequence);
                        outcome(due, status, (clock.Elapsed.TotalSeconds - due) * 1000);
                    },
                    CancellationToken.None
                )
            );
        }

        var scheduled = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(calls);
        return scheduled;
    }
}
