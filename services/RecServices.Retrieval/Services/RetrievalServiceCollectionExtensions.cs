using RecServices.BundleServing;
using RecServices.Core.Bundles;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;

namespace RecServices.Retrieval.Services;

internal static class RetrievalServiceCollectionExtensions
{
    /// <summary>
    /// Loads each served version's retrieval tables in the background and builds its candidate generator with the
    /// configured quota scale; reads the live catalog when a store is configured.
    /// </summary>
    public static IServiceCollection AddRetrievalServices(
        this IServiceCollection services,
        RetrievalHostOptions options
    )
    {
        services.AddSingleton<RetrievalMetrics>();
        services.AddLiveCatalog(options);
        services.AddSingleton<RetrievalGrpcService>();
        services.AddSingleton<RetrievalV1GrpcService>();
        services.AddBundleState(
            (_, directory, _) =>
            {
                // The embedding source runs the user tower and searches the embedding index: with it on, those are
                // loaded too.
                var quotas = RetrievalOptions.DesignRecipe.Scaled(options.QuotaScale) with
                {
                    Embedding = options.EmbeddingQuota,
                };
                var bundle = Bundle.Load(
                    directory,
                    quotas.Embedding > 0
                        ? BundleParts.Retrieval | BundleParts.EmbeddingIndex | BundleParts.UserTower
                        : BundleParts.Retrieval
                );
                var tower = quotas.Embedding > 0 ? new UserTower(bundle) : null;
                return Task.FromResult(
                    new RetrievalState(bundle, new CandidateGenerator(bundle, quotas, tower), tower)
                );
            }
        );
        return services;
    }
}
