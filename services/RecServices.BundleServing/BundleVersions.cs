using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace RecServices.BundleServing;

/// <summary>
/// Pinning a call to one bundle version: the state that serves it, or FAILED_PRECONDITION naming the version
/// served.
/// </summary>
public static class BundleVersions
{
    /// <summary>The trailer with the version a server serves, sent with FAILED_PRECONDITION.</summary>
    public const string Trailer = "recs-bundle-version";

    /// <summary>
    /// The state for <paramref name="version"/> (empty: the current one). UNAVAILABLE before the first version is
    /// loaded; FAILED_PRECONDITION, with the current version in the <see cref="Trailer"/> trailer, for a version
    /// not held.
    /// </summary>
    public static T Pinned<T>(this Readiness<T> readiness, string version)
        where T : class, IServedBundle
    {
        var current = readiness.Value ?? throw new RpcException(new Status(StatusCode.Unavailable, readiness.Status));
        if (version.Length == 0 || current.Bundle.Manifest.Version == version)
        {
            return current;
        }

        return readiness.Find(version) ?? throw NotHeld(version, current.Bundle.Manifest.Version);
    }

    /// <summary>
    /// FAILED_PRECONDITION for <paramref name="asked"/>, a version this server does not hold: the details carry a
    /// <c>google.rpc.ErrorInfo</c> (reason <see cref="NotHeldReason"/>, metadata <c>served</c>: the version it serves),
    /// and the <see cref="Trailer"/> says the same to callers that read trailers.
    /// </summary>
    public static RpcException NotHeld(string asked, string served)
    {
        var message =
            $"bundle_version '{asked}' is not held here (serving '{served}'); leave it empty for the version served, "
            + "or ask again with that one";
        var status = new Google.Rpc.Status
        {
            Code = (int)StatusCode.FailedPrecondition,
            Message = message,
            Details =
            {
                Any.Pack(
                    new Google.Rpc.ErrorInfo
                    {
                        Reason = NotHeldReason,
                        Domain = ErrorDomain,
                        Metadata = { ["asked"] = asked, ["served"] = served },
                    }
                ),
            },
        };
        // what ToRpcException writes (the details trailer), plus the version trailer v1 callers read
        var trailers = new Metadata { { Trailer, served }, { "grpc-status-details-bin", status.ToByteArray() } };
        return new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, message), trailers);
    }

    /// <summary>The <c>google.rpc.ErrorInfo</c> reason of a bundle version not held.</summary>
    public const string NotHeldReason = "BUNDLE_VERSION_NOT_HELD";

    /// <summary>The <c>google.rpc.ErrorInfo</c> domain of RecServices' errors.</summary>
    public const string ErrorDomain = "recservices.io";
}
