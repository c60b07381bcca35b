using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;
using RecServices.ServiceDefaults;

namespace RecServices.Retrieval.Services;

public static class RetrievalServiceCollectionExtensions
{
    /// <summary>Loads the bundle's retrieval tables in the background and builds the candidate generator with the configured quota scale.</summary>
    public static IServiceCollection AddRetrievalServices(this IServiceCollection services, RetrievalHostOptions options)
    {
        services.AddSingleton<RetrievalMetrics>();
        services.AddStartupState((_, _) =>
        {
            var bundle = Bundle.LoadServed(options.BundlePath, BundleParts.Retrieval);
            return Task.FromResult(new RetrievalState(bundle, new CandidateGenerator(bundle, RetrievalOptions.DesignRecipe.Scaled(options.QuotaScale))));
        });
        return services;
    }
}
