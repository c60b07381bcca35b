using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;
using RecServices.Contracts.Catalog.V1;
using RecServices.Contracts.Gateway.V1;
using RecServices.ServiceDefaults;
using RecServices.ServiceDefaults.Tls;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace RecServices.Gateway.Auth;

/// <summary>
/// JWT bearer authentication of GatewayService calls (<see cref="AuthOptions"/>): registration and the per-method
/// scopes.
/// </summary>
internal static class GatewayAuthentication
{
    /// <summary>
    /// The scope each method of the gateway's services needs, by <c>service/method</c>; a method missing here stops
    /// the start (none is open by accident). Every CatalogService method needs the admin scope.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Scopes(AuthOptions auth)
    {
        var scopes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Key(GatewayService.Descriptor, nameof(GatewayService.GatewayServiceBase.Recommend))] = auth.ReadScope,
            [Key(GatewayService.Descriptor, nameof(GatewayService.GatewayServiceBase.RecordInteraction))] =
                auth.WriteScope,
        };
        foreach (var method in CatalogService.Descriptor.Methods)
        {
            scopes[Key(CatalogService.Descriptor, method.Name)] = auth.AdminScope;
        }

        return scopes;
    }

    private static string Key(ServiceDescriptor service, string method) => service.FullName + "/" + method;

    /// <summary>
    /// Adds bearer-token validation and one policy per scope when <see cref="AuthOptions.Enabled"/>; the caller
    /// check always.
    /// </summary>
    public static IServiceCollection AddGatewayAuthentication(this IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton<CallerAccess>();
        var auth = options.Auth;
        if (!auth.Enabled)
        {
            return services;
        }

        if (auth.SigningKeysPath.Length > 0)
        {
            // a file that does not read stops the start, naming the file and line
            SigningKeys.Read(auth.SigningKeysPath);
            services.AddSingleton(sp =>
            {
                var time = sp.GetRequiredService<TimeProvider>();
                var log = new FailureLog(
                    sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SigningKeys)),
                    "the signing keys file " + auth.SigningKeysPath,
                    "tokens are checked against the keys read before",
                    time
                );
                return SigningKeys.Open(auth.SigningKeysPath, log.Report, time);
            });
        }

        services.AddSingleton<AuthMetrics>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResults>();
        services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false; // claims keep their JWT names: sub, scope, scp
                if (auth.Authority.Length > 0)
                {
                    jwt.Authority = auth.Authority;
                }

                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Issuer,
                    ValidAudience = auth.Audience,
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = TimeSpan.FromSeconds(auth.ClockSkewSeconds),
                    NameClaimType = auth.UserClaim,
                    // asymmetric algorithms only, a key of that kind, and the key the token's kid names
                    ValidAlgorithms = auth.Algorithms,
                    ValidateIssuerSigningKey = true,
                    IssuerSigningKeyValidator = (key, _, _) => SigningKeys.IsAsymmetric(key),
                    TryAllIssuerSigningKeys = false,
                };
            });
        if (auth.SigningKeysPath.Length > 0)
        {
            services
                .AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
                .Configure<WatchedFiles<IReadOnlyList<SecurityKey>>>(
                    (jwt, keys) =>
                        jwt.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, kid, _) =>
                            SigningKeys.Named(keys.Current, kid)
                );
        }

        services.AddAuthorization(authorization =>
        {
            foreach (var scope in Scopes(auth).Values.Distinct())
            {
                // the requirement is its own handler
                authorization.AddPolicy(scope, policy => policy.AddRequirements(new ScopeRequirement(scope)));
            }
        });
        return services;
    }

    /// <summary>
    /// Puts each method of <paramref name="service"/> behind its scope's policy (nothing when authentication is off).
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder RequireScopes(
        this GrpcServiceEndpointConventionBuilder endpoints,
        ServiceDescriptor service,
        GatewayOptions options
    )
    {
        var auth = options.Auth;
        if (!auth.Enabled)
        {
            return endpoints;
        }

        var scopes = Scopes(auth);
        foreach (var method in service.Methods.Where(m => !scopes.ContainsKey(Key(service, m.Name))))
        {
            throw new InvalidOperationException(
                $"{service.Name}.{method.Name} has no scope in GatewayAuthentication.Scopes: add one "
                    + $"before serving it with authentication on"
            );
        }

        endpoints.Add(endpoint =>
        {
            if (
                endpoint.Metadata.OfType<GrpcMethodMetadata>().FirstOrDefault() is { } grpc
                && scopes.TryGetValue(grpc.Method.ServiceName + "/" + grpc.Method.Name, out var scope)
            )
            {
                endpoint.Metadata.Add(new AuthorizeAttribute(scope));
            }
        });
        return endpoints;
    }
}
