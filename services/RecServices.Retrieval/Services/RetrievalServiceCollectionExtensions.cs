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
            var quotas = RetrievalOptions.DesignRecipe.Scaled(options.QuotaScale) with { Embedding = options.EmbeddingQuota };
            if (quotas.Embedding == 0)
            {
                var tables = Bundle.Load(directory, BundleParts.Retrieval);
                return Task.FromResult(new RetrievalState(tables, new CandidateGenerator(tables, quotas)));
            }

            // The embedding source runs the user tower over the item vectors: the ranking service's parts too.
            var bundle = Bundle.Load(directory, BundleParts.Retrieval | BundleParts.Vectors);
            var ranker = new Ranker(bundle);
            return Task.FromResult(new RetrievalState(bundle, new CandidateGenerator(bundle, quotas, ranker), ranker));
        });
        return services;
    }
}
