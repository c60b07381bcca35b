namespace RecServices.Gateway.Services;

/// <summary>
/// A circuit breaker for one backend: after <c>threshold</c> failures in a row, calls skip the backend for
/// <c>openFor</c> and answer degraded at once, instead of each waiting out its deadline on a backend that hangs;
/// then one call goes through as a probe (others keep skipping until <c>openFor</c> more has passed): a success
/// closes the breaker, a failure opens it again. A probe whose outcome is never reported (its caller went away)
/// only delays the next probe. Threshold 0: never opens. Thread-safe; a closed breaker costs one volatile read.
/// </summary>
public sealed class Breaker(int threshold, TimeSpan openFor, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _openUntil; // a TimeProvider timestamp; 0 while closed
    private int _failures;

    /// <summary>Whether the breaker is open now (calls skip the backend).</summary>
    public bool IsOpen => Volatile.Read(ref _openUntil) != 0;

    /// <summary>
    /// Whether this call may go to the backend: always while closed; while open, only the one probe due.
    /// </summary>
    public bool Allow()
    {
        if (Volatile.Read(ref _openUntil) == 0)
        {
            return true;
        }

        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (_openUntil == 0)
            {
                return true;
            }

            if (now < _openUntil)
            {
                return false;
            }

            _openUntil = now + Ticks(openFor); // this call is the probe; the others skip while it runs
            return true;
        }
    }

    /// <summary>The backend answered: the breaker closes.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _openUntil) == 0 && Volatile.Read(ref _failures) == 0)
        {
            return;
        }

        lock (_lock)
        {
            (_failures, _openUntil) = (0, 0);
        }
    }

    /// <summary>
    /// The backend failed (unavailable, late, broken): the threshold-th failure in a row opens the breaker.
    /// </summary>
    public void Failed()
    {
        if (threshold == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (++_failures >= threshold)
            {
                _openUntil = time.GetTimestamp() + Ticks(openFor);
            }
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}
