using RecServices.Retrieval.Services;
using RecServices.ServiceDefaults;

namespace RecServices.Retrieval;

/// <summary>Builds the retrieval host (the functional tests start it in process with their own arguments).</summary>
public static class RetrievalApp
{
    /// <param name="args">Command-line arguments (settings such as --Recs:BundlePath=...).</param>
    /// <param name="configureServices">Extra registrations after the service's own (tests add telemetry exporters here).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.AddServiceDefaults<RetrievalHostOptions>("recservices-retrieval", Contracts.Retrieval.V1.RetrievalService.Descriptor.FullName);
        builder.Services.AddRetrievalServices(options);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcService<RetrievalGrpcService>();
        return app;
    }
}
