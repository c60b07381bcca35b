using RecServices.Gateway.Auth;
using RecServices.Gateway.Services;
using RecServices.ServiceDefaults;

namespace RecServices.Gateway;

/// <summary>Builds the gateway host (the functional tests start it in process with their own arguments).</summary>
public static class GatewayApp
{
    /// <param name="args">Command-line arguments (settings such as --Recs:BundlePath=...).</param>
    /// <param name="configureServices">Extra registrations after the service's own (tests add telemetry exporters here).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.AddServiceDefaults<GatewayOptions>("recservices-gateway", Contracts.Gateway.V1.GatewayService.Descriptor.FullName);
        builder.Services.AddGatewayServices(options);
        builder.Services.AddGatewayAuthentication(options);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcService<GatewayGrpcService>().RequireScopes(options);
        return app;
    }
}
