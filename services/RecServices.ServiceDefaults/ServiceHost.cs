using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace RecServices.ServiceDefaults;

/// <summary>
/// The one way a RecServices host is built: its settings bound and validated, the
/// defaults every service shares (ports, health, reflection, telemetry, request checks), the service's own
/// registrations and its gRPC service. Each host's <c>*App</c> names only what is its own.
/// </summary>
public static class ServiceHost
{
    /// <param name="args">Command-line arguments (settings such as --Recs:BundlePath=...).</param>
    /// <param name="serviceName">The telemetry resource's service name, e.g. <c>recservices-gateway</c>.</param>
    /// <param name="grpcServiceName">The full name of the service's gRPC service (its health status goes by this
    /// name).</param>
    /// <param name="addServices">The service's own registrations.</param>
    /// <param name="mapServices">Maps the service's gRPC service (and what it requires of callers).</param>
    /// <param name="configureServices">Extra registrations after the service's own (tests add telemetry exporters
    /// here).</param>
    public static WebApplication Build<TOptions>(
        string[] args,
        string serviceName,
        string grpcServiceName,
        Action<IServiceCollection, TOptions> addServices,
        Action<WebApplication, TOptions> mapServices,
        Action<IServiceCollection>? configureServices
    )
        where TOptions : RecsOptions, new()
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.AddServiceDefaults<TOptions>(serviceName, grpcServiceName);
        addServices(builder.Services, options);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapServiceDefaults();
        mapServices(app, options);
        return app;
    }
}
