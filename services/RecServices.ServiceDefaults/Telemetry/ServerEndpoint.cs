namespace RecServices.ServiceDefaults.Telemetry;

/// <summary>The host and port a client calls, for the server.address and server.port attributes.</summary>
public sealed record ServerEndpoint(string Host, int Port)
{
    /// <summary>From http://host:port, or dns:///host:port (whose name and port are in the path).</summary>
    public static ServerEndpoint Of(Uri address)
    {
        if (address.Scheme != "dns")
        {
            return new(address.Host, address.Port);
        }

        var target = new Uri("http://" + address.AbsolutePath.TrimStart('/'));
        return new(target.Host, target.Port);
    }
}
