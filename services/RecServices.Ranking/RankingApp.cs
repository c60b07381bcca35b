using RecServices.BundleServing;
using RecServices.Ranking.Services;
using RecServices.ServiceDefaults;

namespace RecServices.Ranking;

/// <summary>Builds the ranking host (the functional tests start it in process with their own arguments).</summary>
public static class RankingApp
{
    /// <param name="args">Command-line arguments (settings such as --Recs:BundlePath=...).</param>
    /// <param name="configureServices">Extra registrations after the service's own (tests add telemetry exporters
    /// here).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null) =>
        ServiceHost.Build<StoreOptions>(
            args,
            "recservices-ranking",
            Contracts.Ranking.V1.RankingService.Descriptor.FullName,
            (services, options) => services.AddRankingServices(options),
            (app, _) =>
            {
                app.MapGrpcService<RankingGrpcService>();
                app.MapGrpcService<RankingV1GrpcService>();
            },
            configureServices
        );
}
