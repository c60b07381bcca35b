using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using RecServices.Gateway;
using RecServices.Ranking;
using RecServices.Retrieval;
using RecServices.ServiceDefaults;

namespace RecServices.Deploy.Tests;

/// <summary>
/// One of the three services as the manifests and Dockerfiles name it, with the code that reads its settings.
/// </summary>
public sealed record DeployedService(
    string Name,
    Type OptionsType,
    string GrpcService,
    string Assembly,
    Func<IConfiguration, RecsOptions> ReadOptions,
    Func<string[], WebApplication> Build
)
{
    public static IReadOnlyList<DeployedService> All { get; } =
    [
        new(
            "retrieval",
            typeof(RetrievalHostOptions),
            Contracts.Retrieval.V1.RetrievalService.Descriptor.FullName,
            typeof(RetrievalApp).Assembly.GetName().Name!,
            ServiceDefaultsExtensions.ReadOptions<RetrievalHostOptions>,
            args => RetrievalApp.Build(args)
        ),
        new(
            "ranking",
            typeof(BundleServing.StoreOptions),
            Contracts.Ranking.V1.RankingService.Descriptor.FullName,
            typeof(RankingApp).Assembly.GetName().Name!,
            ServiceDefaultsExtensions.ReadOptions<BundleServing.StoreOptions>,
            args => RankingApp.Build(args)
        ),
        new(
            "gateway",
            typeof(GatewayOptions),
            Contracts.Gateway.V1.GatewayService.Descriptor.FullName,
            typeof(GatewayApp).Assembly.GetName().Name!,
            ServiceDefaultsExtensions.ReadOptions<GatewayOptions>,
            args => GatewayApp.Build(args)
        ),
    ];

    public static DeployedService Named(string name) => All.Single(s => s.Name == name);

    /// <summary>
    /// The settings this service's Deployment in <paramref name="manifest"/> gives it, read and validated by the
    /// service's own code.
    /// </summary>
    public RecsOptions OptionsIn(Manifest manifest) =>
        ReadOptions(Configuration(manifest.Environment(Manifest.Container(manifest.Named("Deployment", Name)))));

    /// <summary>Environment variables as the host's configuration sees them (Recs__GrpcPort → Recs:GrpcPort).</summary>
    public static IConfiguration Configuration(IReadOnlyDictionary<string, string> environment) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(
                environment.Select(e =>
                    KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)
                )
            )
            .Build();
}
