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

        return readiness.Find(version)
            ?? throw new RpcException(
                new Status(
                    StatusCode.FailedPrecondition,
                    $"bundle_version '{version}' is not held here (serving "
                        + $"'{current.Bundle.Manifest.Version}'); leave it empty for the version served, or ask "
                        + $"again with that one"
                ),
                new Metadata { { Trailer, current.Bundle.Manifest.Version } }
            );
    }
}
