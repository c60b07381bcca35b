using RecServices.Gateway.Auth;
using RecServices.Gateway.Services;
using RecServices.ServiceDefaults;

namespace RecServices.Gateway;

/// <summary>Builds the gateway host (the functional tests start it in process with their own arguments).</summary>
public static class GatewayApp
{
    /// <param name="args">Command-line arguments (settings such as --Recs:BundlePath=...).</param>
    /// <param name="configureServices">Extra registrations after the service's own (tests add telemetry exporters
    /// here).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null) =>
        ServiceHost.Build<GatewayOptions>(
            args,
            "recservices-gateway",
            Contracts.Gateway.V1.GatewayService.Descriptor.FullName,
            (services, options) => services.AddGatewayServices(options).AddGatewayAuthentication(options),
            (app, options) =>
            {
                app.MapGrpcService<GatewayGrpcService>()
                    .RequireScopes(Contracts.Gateway.V1.GatewayService.Descriptor, options);
                app.MapGrpcService<CatalogGrpcService>()
                    .RequireScopes(Contracts.Catalog.V1.CatalogService.Descriptor, options);
            },
            configureServices
        );
}
