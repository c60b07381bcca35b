using RecServices.BundleServing;
using RecServices.Core.Bundles;
using RecServices.ServiceDefaults;
using RecServices.Serving.Ranking;

namespace RecServices.Ranking.Services;

internal static class RankingServiceCollectionExtensions
{
    /// <summary>
    /// Loads each served version's catalog and item vectors and opens its user tower, in the background.
    /// </summary>
    public static IServiceCollection AddRankingServices(this IServiceCollection services, RecsOptions options)
    {
        services.AddSingleton<RankingMetrics>();
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
