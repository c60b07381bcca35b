using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RecServices.BundleServing;
using RecServices.Contracts.Ranking.V2;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Core.Bundles;
using RecServices.GrpcHardening;
using RecServices.ServiceDefaults.Telemetry;
using RecServices.ServiceDefaults.Tls;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Retrieval;
using RecServices.Users;

namespace RecServices.Gateway.Services;

internal static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Typed clients for retrieval and ranking (round robin over dns:/// addresses, retry on UNAVAILABLE, call
    /// context propagation, client call metrics; without HttpClientFactory's per-request log scopes: the pipeline
    /// logs its own failures), the user store and the pipeline.
    /// </summary>
    public static IServiceCollection AddGatewayServices(this IServiceCollection services, GatewayOptions options)
    {
        // dns:/// addresses resolve to every pod behind a headless Service, re-resolved on this interval and
        // whenever a connection drops; calls go round robin over them (kube-proxy would pin HTTP/2 to one pod).
        services.AddSingleton<ResolverFactory>(new DnsResolverFactory(TimeSpan.FromSeconds(options.DnsRefreshSeconds)));
        services.AddSingleton<GatewayMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        if (options.BackendTls.Enabled)
        {
            services.AddSingleton(sp =>
                ClientTls.Create(
                    options.BackendTls,
                    sp.GetRequiredService<ILoggerFactory>().CreateLogger<ClientTls>(),
                    sp.GetRequiredService<TimeProvider>()
                )
            );
        }

        AddClient<RetrievalService.RetrievalServiceClient>(services, new Uri(options.RetrievalAddress), options);
        AddClient<RankingService.RankingServiceClient>(services, new Uri(options.RankingAddress), options);
        var limits = new UserStoreLimits(options.EventIdRetention, options.InteractionLogPerUser);
        services.AddSingleton<IUserStore>(sp =>
            options.UserStore == GatewayOptions.RedisStore
                ? new RedisUserStore(options.Redis, limits, sp.GetRequiredService<TimeProvider>(), options.RedisAccess)
                : new SqliteUserStore(options.UserStorePath, limits: limits)
        );
        services.AddSingleton(sp => (ICatalogStore)sp.GetRequiredService<IUserStore>()); // both stores are both
        services.AddLiveCatalog(options, sp => sp.GetRequiredService<ICatalogStore>());
        // the catalog service's bulk calls (10,000 ids, 1,000 items with their metadata) are larger than a user's
        services.AddSingleton(
            new ServiceRequestLimits
            {
                [Contracts.Catalog.V1.CatalogService.Descriptor.FullName] = options.MaxCatalogRequestBytes,
            }
        );
        services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions<CatalogGrpcService>>(o =>
            o.MaxReceiveMessageSize = options.MaxCatalogRequestBytes
        );
        services.AddSingleton<UserStoreHealth>();
        // The store is initialised (and seeded, when empty) with the first version served; later versions only swap
        // the catalog and the popular items: a new version never touches the store.
        var storeReady = false;
        services.AddBundleState(
            async (sp, directory, cancellationToken) =>
            {
                var store = sp.GetRequiredService<IUserStore>();
                var bundle = Bundle.Load(
                    directory,
                    storeReady ? BundleParts.TopLists : BundleParts.TopLists | BundleParts.Users
                );
                if (!storeReady)
                {
                    var seeded = await store.InitializeAsync(UserStoreSeed.From(bundle), cancellationToken);
                    await sp.GetRequiredService<UserStoreHealth>()
                        .ReportStartAsync(store, seeded ? bundle.Manifest.Version : null, cancellationToken);
                    storeReady = true;
                    bundle = bundle.WithoutUsers();
                }

                return new GatewayState(
                    bundle,
                    new UserContextFactory(bundle.Catalog, RetrievalOptions.Default),
                    store
                );
            }
        );
        services.AddSingleton<RetrievalBackend>();
        services.AddSingleton<RankingBackend>();
        services.AddSingleton<ICandidateStage<RecommendCall>>(sp => sp.GetRequiredService<RetrievalBackend>());
        services.AddSingleton<IRankingStage<RecommendCall>>(sp => sp.GetRequiredService<RankingBackend>());
        services.AddSingleton<RecommendationPipeline>();
        services.AddSingleton<Admission>();
        services.AddSingleton<WriteRateLimit>();
        services.AddHostedService<UserStoreFill>();
        return services;
    }

    private static void AddClient<TClient>(IServiceCollection services, Uri address, GatewayOptions options)
        where TClient : class =>
        services
            .AddGrpcClient<TClient>(o => o.Address = address)
            .ConfigureChannel(channel => ConfigureChannel(channel, address, options))
            .ConfigurePrimaryHttpMessageHandler(
                (handler, sp) =>
                {
                    if (options.BackendTls.Enabled)
                    {
                        // gRPC's handler: SocketsHttpHandler
                        ((SocketsHttpHandler)handler).SslOptions = sp.GetRequiredService<ClientTls>().Options();
                    }
                }
            )
            .AddInterceptor(sp => new RpcClientMetricsInterceptor(sp.GetRequiredService<RpcMetrics>(), address))
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true)
            .RemoveAllLoggers();

    /// <summary>
    /// Round robin over the resolved addresses, and retries of UNAVAILABLE only (a restarting pod) with a short
    /// backoff; deadlines are set per call. One attempt: no retry policy at all. Reconnection attempts back off
    /// from 100 ms to at most <see cref="GatewayOptions.MaxReconnectBackoffMs"/> (gRPC's default grows to two
    /// minutes, so that after a long outage the gateway kept answering degraded for tens of seconds after the
    /// backend was back); a connection attempt to a loopback or in-cluster address costs next to nothing.
    /// </summary>
    private static void ConfigureChannel(GrpcChannelOptions channel, Uri address, GatewayOptions options)
    {
        var attempts = options.CallAttempts;
        channel.InitialReconnectBackoff = TimeSpan.FromMilliseconds(Math.Min(100, options.MaxReconnectBackoffMs));
        channel.MaxReconnectBackoff = TimeSpan.FromMilliseconds(options.MaxReconnectBackoffMs);
        var config = new ServiceConfig();
        if (address.Scheme == ServerEndpoint.DnsScheme)
        {
            channel.Credentials = options.BackendTls.Enabled
                ? ChannelCredentials.SecureSsl
                : ChannelCredentials.Insecure; // TLS, or h2c inside the cluster
            config.LoadBalancingConfigs.Add(new RoundRobinConfig());
        }

        if (attempts > 1)
        {
            config.MethodConfigs.Add(
                new MethodConfig
                {
                    Names = { MethodName.Default },
                    RetryPolicy = new RetryPolicy
                    {
                        MaxAttempts = attempts,
                        InitialBackoff = TimeSpan.FromMilliseconds(20),
                        MaxBackoff = TimeSpan.FromMilliseconds(200),
                        BackoffMultiplier = 2,
                        RetryableStatusCodes = { StatusCode.Unavailable },
                    },
                }
            );
        }

        channel.ServiceConfig = config.LoadBalancingConfigs.Count + config.MethodConfigs.Count == 0 ? null : config;
    }
}
