namespace RecServices.GrpcHardening;

/// <summary>
/// At most one log line a minute (<see cref="Interval"/>) for an event that can repeat at any rate (hostile
/// or overloading traffic): the first occurrence is due at once, later ones once a minute, with the count of those
/// since the last line. Thread-safe.
/// </summary>
public sealed class LogThrottle(TimeProvider time)
{
    /// <summary>The shortest time between two lines of one repeating event.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private long _lastLine;
    private long _since;
    private bool _logged;

    /// <summary>
    /// Counts one occurrence; true when a line is due now, with <paramref name="count"/> the occurrences it stands
    /// for.
    /// </summary>
    public bool Due(out long count)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            _since++;
            if (_logged && time.GetElapsedTime(_lastLine, now) < Interval)
            {
                count = 0;
                return false;
            }

            count = _since;
            (_logged, _lastLine, _since) = (true, now, 0);
            return true;
        }
    }
}
