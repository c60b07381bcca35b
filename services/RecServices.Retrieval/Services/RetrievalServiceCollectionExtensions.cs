using RecServices.Core.Bundles;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;
using RecServices.ServiceDefaults;

namespace RecServices.Retrieval.Services;

public static class RetrievalServiceCollectionExtensions
{
    /// <summary>Loads each served version's retrieval tables in the background and builds its candidate generator with the configured quota scale.</summary>
    public static IServiceCollection AddRetrievalServices(this IServiceCollection services, RetrievalHostOptions options)
    {
        services.AddSingleton<RetrievalMetrics>();
        services.AddBundleState((_, directory, _) =>
        {
            // The embedding source runs the user tower over the item vectors: with it on, the ranking service's parts too.
            var quotas = RetrievalOptions.DesignRecipe.Scaled(options.QuotaScale) with { Embedding = options.EmbeddingQuota };
            var bundle = Bundle.Load(directory, quotas.Embedding > 0 ? BundleParts.Retrieval | BundleParts.Vectors : BundleParts.Retrieval);
            var ranker = quotas.Embedding > 0 ? new Ranker(bundle) : null;
            return Task.FromResult(new RetrievalState(bundle, new CandidateGenerator(bundle, quotas, ranker), ranker));
        });
        return services;
    }
}
