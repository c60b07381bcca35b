using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RecServices.Users;

namespace RecServices.BundleServing;

/// <summary>Registers the live catalog of a service.</summary>
public static class LiveCatalogExtensions
{
    /// <summary>
    /// <see cref="LiveCatalog"/>, kept up to date from the store by a <see cref="CatalogWatcher"/>: the store
    /// <paramref name="store"/> gives (the gateway's own user store), else one opened from <paramref name="options"/>;
    /// with no store configured the catalog stays the bundle's, nothing hidden.
    /// </summary>
    public static IServiceCollection AddLiveCatalog(
        this IServiceCollection services,
        StoreOptions options,
        Func<IServiceProvider, ICatalogStore>? store = null
    )
    {
        services.AddSingleton<LiveCatalog>();
        if (store is null && options.UserStore.Length == 0)
        {
            return services;
        }

        services.AddHostedService(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var opened = store is null ? Open(options, time) : null;
            return new CatalogWatcher(
                store?.Invoke(sp) ?? (ICatalogStore)opened!,
                sp.GetRequiredService<LiveCatalog>(),
                TimeSpan.FromMilliseconds(options.CatalogPollMs),
                time,
                sp.GetRequiredService<ILogger<CatalogWatcher>>(),
                opened
            );
        });
        return services;
    }

    private static IUserStore Open(StoreOptions options, TimeProvider time) =>
        options.UserStore == StoreOptions.RedisStore
            ? new RedisUserStore(options.Redis, UserStoreLimits.Default, time, options.RedisAccess)
            : new SqliteUserStore(options.UserStorePath);
}
