namespace RecServices.AppHost;

/// <summary>
/// Adds a RecServices host as a plain process with its bundle, its two explicit endpoints and an HTTP health check.
/// </summary>
public static class ServiceResourceExtensions
{
    public static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder,
        string name,
        string bundle,
        int grpcPort,
        int httpPort
    )
        where TProject : IProjectMetadata, new() =>
        builder
            .AddProject<TProject>(name, launchProfileName: null)
            .WithEnvironment("Recs__BundlePath", bundle)
            .WithEnvironment("Recs__GrpcPort", grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Recs__HttpPort", httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithHttpEndpoint(port: grpcPort, targetPort: grpcPort, name: "grpc", isProxied: false)
            .WithHttpEndpoint(port: httpPort, targetPort: httpPort, name: "http", isProxied: false)
            .WithHttpHealthCheck("/healthz", endpointName: "http");
}
