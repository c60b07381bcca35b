using RecServices.Core.Bundles;
using RecServices.Serving.Ranking;
using RecServices.ServiceDefaults;

namespace RecServices.Ranking.Services;

public static class RankingServiceCollectionExtensions
{
    /// <summary>Loads the bundle's catalog and item vectors and opens the user tower in the background.</summary>
    public static IServiceCollection AddRankingServices(this IServiceCollection services, RecsOptions options)
    {
        services.AddSingleton<RankingMetrics>();
        services.AddStartupState((_, _) =>
        {
            var bundle = Bundle.LoadServed(options.BundlePath, BundleParts.Core);
            return Task.FromResult(new RankingState(bundle, new Ranker(bundle)));
        });
        return services;
    }
}
