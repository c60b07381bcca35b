using RecServices.Gateway.Services;
using RecServices.ServiceDefaults;

namespace RecServices.Gateway;

/// <summary>Builds the gateway host (the functional tests start it in process with their own arguments).</summary>
public static class GatewayApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.AddServiceDefaults<GatewayOptions>("recservices-gateway", Contracts.Gateway.V1.GatewayService.Descriptor.FullName);
        builder.Services.AddGatewayServices(options);
        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcService<GatewayGrpcService>();
        return app;
    }
}
