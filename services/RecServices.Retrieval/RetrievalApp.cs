using RecServices.Retrieval.Services;
using RecServices.ServiceDefaults;

namespace RecServices.Retrieval;

/// <summary>Builds the retrieval host (the functional tests start it in process with their own arguments).</summary>
public static class RetrievalApp
{
    /// <param name="args">Command-line arguments (settings such as --Recs:BundlePath=...).</param>
    /// <param name="configureServices">Extra registrations after the service's own (tests add telemetry exporters
    /// here).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null) =>
        ServiceHost.Build<RetrievalHostOptions>(
            args,
            "recservices-retrieval",
            Contracts.Retrieval.V1.RetrievalService.Descriptor.FullName,
            (services, options) => services.AddRetrievalServices(options),
            (app, _) =>
            {
                app.MapGrpcService<RetrievalGrpcService>();
                app.MapGrpcService<RetrievalV1GrpcService>();
            },
            configureServices
        );
}
