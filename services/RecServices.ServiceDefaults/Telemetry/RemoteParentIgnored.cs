using System.Diagnostics;

namespace RecServices.ServiceDefaults.Telemetry;

/// <summary>
/// The propagator of a host facing outside callers (<see cref="RecsOptions.TrustTraceParent"/> false): a caller's
/// traceparent, tracestate and baggage are not read, so that a request starts a trace of its own, sampled at
/// <see cref="RecsOptions.TraceSampleRatio"/>; a caller cannot force every request to be traced (nor pick trace ids).
/// Outgoing calls still carry this host's context (HttpClient injects with <see cref="DistributedContextPropagator.Current"/>).
/// </summary>
internal sealed class RemoteParentIgnored : DistributedContextPropagator
{
    private static readonly DistributedContextPropagator Default = CreateDefaultPropagator();

    public override IReadOnlyCollection<string> Fields => Default.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
        Default.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(
        object? carrier,
        PropagatorGetterCallback? getter,
        out string? traceId,
        out string? traceState
    ) => (traceId, traceState) = (null, null);

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(
        object? carrier,
        PropagatorGetterCallback? getter
    ) => null;
}
