using Google.Rpc;
using Grpc.Core;
using RecServices.BundleServing;

namespace RecServices.Gateway.Services;

/// <summary>What the gateway's two backend clients share: how a failed call is read.</summary>
internal static class BackendCalls
{
    /// <summary>
    /// The status a call skipped by an open breaker is counted under (in recs.gateway.degraded_responses).
    /// </summary>
    public const StatusCode SkippedStatus = StatusCode.Unavailable;

    /// <summary>
    /// The version a backend serves when it refused <paramref name="asked"/> as not held: FAILED_PRECONDITION whose
    /// <c>google.rpc.ErrorInfo</c> (reason <see cref="BundleVersions.NotHeldReason"/>) names it.
    /// </summary>
    public static string? ServedInstead(RpcException e, string asked, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && e.StatusCode == StatusCode.FailedPrecondition
        && e.GetRpcStatus()?.GetDetail<ErrorInfo>()
            is { Reason: BundleVersions.NotHeldReason, Domain: BundleVersions.ErrorDomain } info
        && info.Metadata.TryGetValue("served", out var served)
        && served.Length > 0
        && served != asked
            ? served
            : null;

    /// <summary>
    /// A failure of the dependency, not of our caller: the caller's cancellation or expired deadline must propagate
    /// (the outgoing call may see it a moment before the caller's token does), and is neither logged nor counted.
    /// </summary>
    public static bool DependencyFailed(
        RpcException e,
        DateTime deadline,
        DateTime callerDeadline,
        TimeProvider time,
        CancellationToken cancellationToken
    ) =>
        !cancellationToken.IsCancellationRequested
        && time.GetUtcNow().UtcDateTime < callerDeadline
        // the call had the caller's deadline: the backend saw it pass first
        && !(e.StatusCode == StatusCode.DeadlineExceeded && deadline >= callerDeadline)
        && e.StatusCode
            is StatusCode.Unavailable
                or StatusCode.DeadlineExceeded
                or StatusCode.Internal
                or StatusCode.Unknown
                or StatusCode.ResourceExhausted
                or StatusCode.Aborted
                or StatusCode.Cancelled
                or StatusCode.Unimplemented
                or StatusCode.FailedPrecondition;
}
