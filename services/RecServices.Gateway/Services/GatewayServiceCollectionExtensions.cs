using Grpc.Net.Client.Configuration;
using RecServices.Contracts.Ranking.V1;
using RecServices.Contracts.Retrieval.V1;
using RecServices.Core.Bundles;
using RecServices.Gateway.Users;
using RecServices.Serving.Retrieval;
using RecServices.ServiceDefaults;

namespace RecServices.Gateway.Services;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Typed clients for retrieval and ranking (retry on UNAVAILABLE, call context propagation; without
    /// HttpClientFactory's per-request log scopes: the pipeline logs its own failures), the user store and the pipeline.
    /// </summary>
    public static IServiceCollection AddGatewayServices(this IServiceCollection services, GatewayOptions options)
    {
        services.AddGrpcClient<RetrievalService.RetrievalServiceClient>(o => o.Address = new Uri(options.RetrievalAddress))
            .ConfigureChannel(channel => ConfigureChannel(channel, options.CallAttempts))
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true)
            .RemoveAllLoggers();
        services.AddGrpcClient<RankingService.RankingServiceClient>(o => o.Address = new Uri(options.RankingAddress))
            .ConfigureChannel(channel => ConfigureChannel(channel, options.CallAttempts))
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true)
            .RemoveAllLoggers();
        services.AddSingleton<IUserStore>(_ => new SqliteUserStore(options.UserStorePath));
        services.AddStartupState(async (sp, cancellationToken) =>
        {
            var bundle = Bundle.Load(options.BundlePath, BundleParts.All);
            var store = sp.GetRequiredService<IUserStore>();
            await store.InitializeAsync(bundle, cancellationToken);
            return new GatewayState(bundle, new UserContextFactory(bundle.Catalog, RetrievalOptions.Default), store);
        });
        services.AddSingleton<RecommendationPipeline>();
        return services;
    }

    /// <summary>Retries UNAVAILABLE only (a restarting pod), with a short backoff; deadlines are set per call. One attempt: no retry policy at all.</summary>
    private static void ConfigureChannel(Grpc.Net.Client.GrpcChannelOptions channel, int attempts) =>
        channel.ServiceConfig = attempts == 1 ? null : new ServiceConfig
        {
            MethodConfigs =
            {
                new MethodConfig
                {
                    Names = { MethodName.Default },
                    RetryPolicy = new RetryPolicy
                    {
                        MaxAttempts = attempts,
                        InitialBackoff = TimeSpan.FromMilliseconds(20),
                        MaxBackoff = TimeSpan.FromMilliseconds(200),
                        BackoffMultiplier = 2,
                        RetryableStatusCodes = { Grpc.Core.StatusCode.Unavailable },
                    },
                },
            },
        };
}
