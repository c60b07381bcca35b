namespace RecServices.Users;

/// <summary>
/// The score of an item in a user's Redis history: its time in seconds times 2^19, plus its arrival order within that
/// second (the next after the newest item of that second, capped at 2^19 − 1). Ordering by score is then ordering by
/// (time, arrival), the SQLite store's (occurred_at, seq), and every score below 2^53 is an exact double: times up to
/// 2^34 s (year 2514) are exact.
/// </summary>
internal static class HistoryScore
{
    public const long TicksPerSecond = 1L << 19;

    /// <summary>The latest time a score can carry.</summary>
    public const long MaxSeconds = (1L << 34) - 1;

    public static long Base(long seconds) =>
        seconds is >= 0 and <= MaxSeconds
            ? seconds * TicksPerSecond
            : throw new ArgumentOutOfRangeException(
                nameof(seconds),
                seconds,
                $"interaction times must be between 0 and {MaxSeconds} Unix seconds"
            );
}
