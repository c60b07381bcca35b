using System.Globalization;

namespace RecServices.AppHost;

/// <summary>
/// A redis-server from the PATH as a plain executable resource (Aspire's Redis integration needs a container
/// runtime).
/// </summary>
public static class RedisResourceExtensions
{
    /// <param name="builder">The application builder.</param>
    /// <param name="dataDirectory">Where the append-only file lives (created); it survives restarts of the
    /// AppHost.</param>
    /// <param name="port">The loopback port.</param>
    public static IResourceBuilder<ExecutableResource> AddRedisServer(
        this IDistributedApplicationBuilder builder,
        string dataDirectory,
        int port
    )
    {
        Directory.CreateDirectory(dataDirectory);
        var portText = port.ToString(CultureInfo.InvariantCulture);
        return builder
            .AddExecutable(
                "redis",
                "redis-server",
                dataDirectory,
                "--port",
                portText,
                "--bind",
                "127.0.0.1",
                "--dir",
                dataDirectory,
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--daemonize",
                "no"
            )
            .WithEndpoint(port: port, targetPort: port, name: "tcp", scheme: "tcp", isProxied: false);
    }
}
