using RecServices.LocalSystem;

namespace RecServices.AppHost;

/// <summary>
/// Adds a RecServices host as a plain process with its settings (LocalSystem's layout), its two explicit endpoints
/// and an HTTP health check.
/// </summary>
public static class ServiceResourceExtensions
{
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource's name.</param>
    /// <param name="ports">The host's fixed gRPC and HTTP/1.1 ports.</param>
    /// <param name="settings">Its <c>--Recs:Name=value</c> settings (bundle, ports, backends, store).</param>
    /// <param name="train">The training that builds the bundle first, when there is none: the host starts once it
    /// has completed.</param>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder,
        string name,
        HostPorts ports,
        IEnumerable<string> settings,
        IResourceBuilder<ProjectResource>? train
    )
        where TProject : IProjectMetadata, new()
    {
        var service = builder
            .AddProject<TProject>(name, launchProfileName: null)
            .WithArgs([.. settings])
            .WithHttpEndpoint(port: ports.Grpc, targetPort: ports.Grpc, name: "grpc", isProxied: false)
            .WithHttpEndpoint(port: ports.Http, targetPort: ports.Http, name: "http", isProxied: false)
            .WithHttpHealthCheck("/healthz", endpointName: "http");
        return train is null ? service : service.WaitForCompletion(train);
    }
}
