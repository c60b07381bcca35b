using Grpc.Core;
using Microsoft.Extensions.Options;

namespace RecServices.Gateway.Auth;

/// <summary>
/// Which users a call may read and write: with authentication on, a token without the any-user scope acts for the
/// user its user claim names and no other (PERMISSION_DENIED otherwise); with it off, every caller acts for anyone.
/// </summary>
public sealed class CallerAccess(IOptions<GatewayOptions> options)
{
    private readonly AuthOptions _auth = options.Value.Auth;

    /// <summary>
    /// Throws PERMISSION_DENIED unless the caller may read (or, <paramref name="write"/>, write) for
    /// <paramref name="userId"/>.
    /// </summary>
    public void EnsureMayActFor(ServerCallContext context, string userId, bool write)
    {
        if (!_auth.Enabled)
        {
            return;
        }

        var user = context.GetHttpContext().User;
        var anyUserScope = write ? _auth.AnyUserWriteScope : _auth.AnyUserReadScope;
        if (ScopeRequirement.Grants(user, anyUserScope))
        {
            return;
        }

        var subject = user.FindFirst(_auth.UserClaim)?.Value;
        if (subject is null)
        {
            throw new RpcException(
                new Status(
                    StatusCode.PermissionDenied,
                    $"the token names no user (claim '{_auth.UserClaim}') and lacks scope "
                        + $"'{anyUserScope}': ask the issuer for a token of the user, or with that scope "
                        + $"for a service"
                )
            );
        }

        if (!string.Equals(subject, userId, StringComparison.Ordinal))
        {
            throw new RpcException(
                new Status(
                    StatusCode.PermissionDenied,
                    $"the token acts for one user (its '{_auth.UserClaim}' claim) and user_id names "
                        + $"another: send that user's id, or use a token with scope '{anyUserScope}'"
                )
            );
        }
    }
}
