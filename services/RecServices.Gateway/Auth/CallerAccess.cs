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

    /// <summary>Throws PERMISSION_DENIED unless the caller may act for <paramref name="userId"/>.</summary>
    public void EnsureMayActFor(ServerCallContext context, string userId)
    {
        if (!_auth.Enabled)
        {
            return;
        }

        var user = context.GetHttpContext().User;
        if (ScopeRequirement.Grants(user, _auth.AnyUserScope))
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
                        + $"'{_auth.AnyUserScope}': ask the issuer for a token of the user, or with that scope "
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
                        + $"another: send that user's id, or use a token with scope '{_auth.AnyUserScope}'"
                )
            );
        }
    }
}
