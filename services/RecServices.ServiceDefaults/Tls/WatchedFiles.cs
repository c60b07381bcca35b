namespace RecServices.ServiceDefaults.Tls;

/// <summary>
/// Something read from files (certificates, keys, signing keys) and read again when they change (a rotated Kubernetes
/// Secret): the files' times are looked at most every <see cref="RecheckInterval"/>; files that no longer read keep
/// what was read before and are reported to the problem callback once per change of their state (null: reading again).
/// </summary>
public sealed class WatchedFiles<T>
    where T : class
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(10);

    private readonly string[] _paths;
    private readonly Func<T> _read;
    private readonly Action<string?> _problem;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private T _value;
    private DateTime[] _stamps;
    private long _lastCheck;

    /// <summary>Reads now; throws <see cref="InvalidDataException"/> naming the file when it does not read.</summary>
    public WatchedFiles(string[] paths, Func<T> read, Action<string?> problem, TimeProvider time)
    {
        (_paths, _read, _problem, _time) = (paths, read, problem, time);
        _value = read();
        _stamps = Stamps();
        _lastCheck = time.GetTimestamp();
    }

    /// <summary>The value now (read again first when a file changed).</summary>
    public T Current
    {
        get
        {
            if (_time.GetElapsedTime(Volatile.Read(ref _lastCheck)) < RecheckInterval)
            {
                return Volatile.Read(ref _value);
            }

            lock (_lock)
            {
                Volatile.Write(ref _lastCheck, _time.GetTimestamp());
                try
                {
                    var stamps = Stamps();
                    if (!stamps.SequenceEqual(_stamps))
                    {
                        Volatile.Write(ref _value, _read());
                        _stamps = stamps;
                        _problem(null);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    _problem(e.Message);
                }

                return _value;
            }
        }
    }

    private DateTime[] Stamps() => [.. _paths.Select(File.GetLastWriteTimeUtc)];
}
