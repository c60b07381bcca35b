using RecServices.BundleServing;
using RecServices.Core.Bundles;
using RecServices.Serving.Ranking;

namespace RecServices.Ranking.Services;

internal static class RankingServiceCollectionExtensions
{
    /// <summary>
    /// Loads each served version's catalog and item vectors and opens its user tower, in the background; reads the
    /// live catalog when a store is configured.
    /// </summary>
    public static IServiceCollection AddRankingServices(this IServiceCollection services, StoreOptions options)
    {
        services.AddSingleton<RankingMetrics>();
        services.AddLiveCatalog(options);
        services.AddSingleton<RankingGrpcService>();
        services.AddSingleton<RankingV1GrpcService>();
        services.AddBundleState(
            (_, directory, _) =>
            {
                var bundle = Bundle.Load(directory, BundleParts.Core);
                return Task.FromResult(new RankingState(bundle, new Ranker(bundle)));
            }
        );
        return services;
    }
}
