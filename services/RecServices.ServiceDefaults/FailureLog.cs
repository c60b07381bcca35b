using Microsoft.Extensions.Logging;
using RecServices.GrpcHardening;

namespace RecServices.ServiceDefaults;

/// <summary>
/// The log of one dependency's failures (a backend, the user store), written when its state changes, never once per
/// call: a Warning when it starts failing or fails differently, one Warning a minute at most while it keeps failing
/// (with how many calls failed since the last line), and an Information line when it answers again (after how long,
/// how many calls failed). Calls report every outcome; a success while nothing fails costs one volatile read.
/// Thread-safe.
/// </summary>
public sealed partial class FailureLog(ILogger logger, string dependency, string consequence, TimeProvider time)
{
    /// <summary>The most often a dependency that keeps failing the same way is logged again.</summary>
    public static readonly TimeSpan Reminder = LogThrottle.Interval;

    private readonly Lock _lock = new();
    private volatile bool _failing;
    private string _problem = string.Empty;
    private long _since;
    private long _lastLine;
    private long _failures;
    private long _sinceLastLine;

    /// <summary>Whether the last outcome reported was a failure.</summary>
    public bool Failing => _failing;

    /// <summary>
    /// One call failed with <paramref name="problem"/> (a status code or a short reason, never a user's data).
    /// </summary>
    public void Failed(string problem)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (!_failing)
            {
                (_failing, _problem, _since, _lastLine, _failures, _sinceLastLine) = (true, problem, now, now, 1, 0);
                LogFailing(logger, dependency, problem, consequence);
                return;
            }

            _failures++;
            _sinceLastLine++;
            if (problem != _problem)
            {
                (_problem, _lastLine, _sinceLastLine) = (problem, now, 0);
                LogFailing(logger, dependency, problem, consequence);
            }
            else if (time.GetElapsedTime(_lastLine, now) >= Reminder)
            {
                LogStillFailing(
                    logger,
                    dependency,
                    problem,
                    _sinceLastLine,
                    time.GetElapsedTime(_lastLine, now).TotalSeconds,
                    time.GetElapsedTime(_since, now).TotalSeconds
                );
                (_lastLine, _sinceLastLine) = (now, 0);
            }
        }
    }

    /// <summary>One outcome: failed with <paramref name="problem"/>, or succeeded when it is null.</summary>
    public void Report(string? problem)
    {
        if (problem is null)
        {
            Succeeded();
        }
        else
        {
            Failed(problem);
        }
    }

    /// <summary>One call succeeded.</summary>
    public void Succeeded()
    {
        if (!_failing)
        {
            return;
        }

        lock (_lock)
        {
            if (_failing)
            {
                _failing = false;
                LogRecovered(logger, dependency, time.GetElapsedTime(_since).TotalSeconds, _failures);
            }
        }
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "{Dependency} is failing ({Problem}); {Consequence} until it answers again"
    )]
    private static partial void LogFailing(ILogger logger, string dependency, string problem, string consequence);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "{Dependency} is still failing ({Problem}): {Failures} more failed calls in the last "
            + "{Seconds:F0} s, failing for {Total:F0} s"
    )]
    private static partial void LogStillFailing(
        ILogger logger,
        string dependency,
        string problem,
        long failures,
        double seconds,
        double total
    );

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "{Dependency} answers again after {Seconds:F1} s of failures ({Failures} failed calls)"
    )]
    private static partial void LogRecovered(ILogger logger, string dependency, double seconds, long failures);
}
