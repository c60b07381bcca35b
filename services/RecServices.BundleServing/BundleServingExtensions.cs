using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RecServices.ServiceDefaults;

namespace RecServices.BundleServing;

/// <summary>A host's served state from its bundle root: loaded, hot-reloaded, pinned by version.</summary>
public static class BundleServingExtensions
{
    /// <summary>
    /// Registers the service's state, built by <paramref name="load"/> from a bundle version directory: loaded in the
    /// background at start (grpc.health.v1 and /healthz say NOT_SERVING until it is there), then reloaded whenever the
    /// bundle root's current version changes (see <see cref="BundleLoader{T}"/>).
    /// </summary>
    public static IServiceCollection AddBundleState<T>(
        this IServiceCollection services,
        Func<IServiceProvider, string, CancellationToken, Task<T>> load
    )
        where T : class, IServedBundle
    {
        services.AddSingleton<Readiness<T>>();
        services.TryAddSingleton<BundleMetrics>();
        services.AddHostedService(sp =>
            ActivatorUtilities.CreateInstance<BundleLoader<T>>(sp, load, sp.GetRequiredService<RecsOptions>())
        );
        services.AddGrpcHealthChecks().AddCheck<ReadinessHealthCheck<T>>("bundle");
        return services;
    }
}
