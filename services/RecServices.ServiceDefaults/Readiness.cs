namespace RecServices.ServiceDefaults;

/// <summary>
/// A value loaded once at start-up in the background (a bundle and what is built from it). Until it is
/// there the gRPC health service says NOT_SERVING and RPCs answer UNAVAILABLE with <see cref="Status"/>.
/// </summary>
public sealed class Readiness<T>
    where T : class
{
    private volatile T? _value;
    private volatile string _status = "the bundle is still loading";

    public bool IsReady => _value is not null;

    /// <summary>Why the value is not there yet (loading, or the load error).</summary>
    public string Status => _status;

    public T? Value => _value;

    public void Set(T value) => _value = value;

    public void Fail(string reason) => _status = reason;
}
