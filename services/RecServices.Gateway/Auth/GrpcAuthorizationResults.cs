using System.Globalization;
using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;

namespace RecServices.Gateway.Auth;

/// <summary>
/// A refused call answered as gRPC answers (a trailers-only response), not as HTTP 401/403 that clients report as
/// "Bad gRPC response": UNAUTHENTICATED with what is wrong with the token, or PERMISSION_DENIED naming the scope the
/// method needs. Counted by <see cref="AuthMetrics"/>, never logged per call.
/// </summary>
internal sealed class GrpcAuthorizationResults(
    AuthMetrics metrics,
    Microsoft.Extensions.Options.IOptions<GatewayOptions> options
) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(
        RequestDelegate next,
        HttpContext context,
        AuthorizationPolicy policy,
        PolicyAuthorizationResult authorizeResult
    )
    {
        if (
            authorizeResult.Succeeded
            || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true
        )
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var method = context.Request.Path.Value ?? string.Empty;
        if (authorizeResult.Challenged)
        {
            // The handler's result of this request, cached: the token is not validated twice.
            var failure = (await context.AuthenticateAsync()).Failure;
            metrics.Refused(StatusCode.Unauthenticated);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            Refuse(context, StatusCode.Unauthenticated, Unauthenticated(failure, options.Value.Auth));
            return;
        }

        var scope = policy.Requirements.OfType<ScopeRequirement>().Select(r => r.Scope).FirstOrDefault() ?? "?";
        metrics.Refused(StatusCode.PermissionDenied);
        Refuse(
            context,
            StatusCode.PermissionDenied,
            $"the token lacks scope '{scope}', which {method.TrimStart('/')} needs: ask the issuer for a token with it"
        );
    }

    /// <summary>What to tell a caller whose token was not accepted (never the token itself).</summary>
    public static string Unauthenticated(Exception? failure, AuthOptions auth) =>
        failure switch
        {
            null => "this call needs a bearer token: send metadata 'authorization: Bearer <JWT>' from " + auth.Issuer,
            SecurityTokenExpiredException e => string.Create(
                CultureInfo.InvariantCulture,
                $"the bearer token expired at {e.Expires:u}: get a new one"
            ),
            SecurityTokenNotYetValidException e => string.Create(
                CultureInfo.InvariantCulture,
                $"the bearer token is not valid before {e.NotBefore:u}: check the issuer's clock"
            ),
            SecurityTokenInvalidAudienceException =>
                $"the bearer token is not for this service: its aud claim must be '{auth.Audience}'",
            SecurityTokenInvalidIssuerException =>
                $"the bearer token is from another issuer: its iss claim must be '{auth.Issuer}'",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                "the bearer token's signature does not verify with the keys of "
                    + auth.Issuer
                    + ": get a token from that issuer",
            SecurityTokenNoExpirationException => "the bearer token has no exp claim: tokens must expire",
            SecurityTokenMalformedException or ArgumentException =>
                "the bearer token is not a JWT: send 'authorization: Bearer <header.payload.signature>'",
            _ => "the bearer token is not valid: get a new one from " + auth.Issuer,
        };

    private static void Refuse(HttpContext context, StatusCode code, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(message);
    }

    /// <summary>grpc-message's encoding: bytes outside printable ASCII, and '%', as %XX of their UTF-8.</summary>
    private static string PercentEncode(string message)
    {
        var text = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
