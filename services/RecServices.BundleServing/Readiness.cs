namespace RecServices.BundleServing;

/// <summary>
/// A service's state built from the bundle version it serves, swapped by one reference assignment when a new
/// version is promoted: a request reads <see cref="Value"/> once and finishes on that version. The version served
/// before stays reachable as <see cref="Previous"/> for a grace period (requests pinned to it). Until a first version
/// is loaded the gRPC health service says NOT_SERVING and RPCs answer UNAVAILABLE with <see cref="Status"/>.
/// </summary>
public sealed class Readiness<T>
    where T : class, IServedBundle
{
    private volatile T? _value;
    private volatile T? _previous;
    private volatile string _status = "the bundle is still loading";
    private volatile string? _refused;

    public bool IsReady => _value is not null;

    /// <summary>Why there is no value yet (loading, or the load error).</summary>
    public string Status => _status;

    /// <summary>The version directory last refused while another was served, and why; null when none was.</summary>
    public string? Refused => _refused;

    /// <summary>The state of the current version.</summary>
    public T? Value => _value;

    /// <summary>The state of the version served before, during its grace period; else null.</summary>
    public T? Previous => _previous;

    /// <summary>
    /// The current or the previous state, whichever serves <paramref name="version"/>; null when neither does.
    /// </summary>
    public T? Find(string version)
    {
        var (current, previous) = (_value, _previous);
        return current?.Bundle.Manifest.Version == version ? current
            : previous?.Bundle.Manifest.Version == version ? previous
            : null;
    }

    /// <summary>
    /// Serves <paramref name="value"/> from now on; returns the state it replaced, which becomes
    /// <see cref="Previous"/>.
    /// </summary>
    public T? Swap(T value)
    {
        var old = _value;
        _previous = old;
        _value = value;
        return old;
    }

    /// <summary>Ends the grace period of <paramref name="old"/> (if it is still the previous state).</summary>
    public void ForgetPrevious(T old) => Interlocked.CompareExchange(ref _previous, null, old);

    public void Fail(string reason) => _status = reason;

    public void Refuse(string directory, string reason) => _refused = $"{directory}: {reason}";
}
