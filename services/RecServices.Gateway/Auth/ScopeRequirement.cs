using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace RecServices.Gateway.Auth;

/// <summary>
/// An authenticated caller whose token grants <see cref="Scope"/> (OAuth 2.0 <c>scope</c>, space-separated, or
/// <c>scp</c>).
/// </summary>
internal sealed class ScopeRequirement(string scope) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    /// <summary>Whether <paramref name="user"/>'s token grants <paramref name="scope"/>.</summary>
    public static bool Grants(ClaimsPrincipal user, string scope) =>
        user.Claims.Any(c =>
            c.Type is "scope" or "scp"
            && c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal)
        );

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true && Grants(context.User, requirement.Scope))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
