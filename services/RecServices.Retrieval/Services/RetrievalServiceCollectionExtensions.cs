using RecServices.Core.Bundles;
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
            var bundle = Bundle.Load(directory, BundleParts.Retrieval);
            return Task.FromResult(new RetrievalState(bundle, new CandidateGenerator(bundle, RetrievalOptions.DesignRecipe.Scaled(options.QuotaScale))));
        });
        return services;
    }
}
