namespace RecServices.ServiceDefaults;

/// <summary>
/// At most one log line a minute (<see cref="FailureLog.Reminder"/>) for an event that can repeat at any rate (hostile
/// or overloading traffic): the first occurrence is due at once, later ones once a minute, with the count of those
/// since the last line. Thread-safe.
/// </summary>
public sealed class LogThrottle(TimeProvider time)
{
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
            if (_logged && time.GetElapsedTime(_lastLine, now) < FailureLog.Reminder)
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
