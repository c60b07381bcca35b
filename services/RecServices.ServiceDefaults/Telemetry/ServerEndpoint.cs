namespace RecServices.ServiceDefaults.Telemetry;

/// <summary>The host and port a client calls, for the server.address and server.port attributes.</summary>
public sealed record ServerEndpoint(string Host, int Port)
{
    /// <summary>
    /// The scheme of addresses resolved through DNS to every address of a name, for client-side balancing.
    /// </summary>
    public const string DnsScheme = "dns";

    /// <summary>From http://host:port, or dns:///host:port (whose name and port are in the path).</summary>
    public static ServerEndpoint Of(Uri address)
    {
        if (address.Scheme != DnsScheme)
        {
            return new(address.Host, address.Port);
        }

        var target = new Uri("http://" + address.AbsolutePath.TrimStart('/'));
        return new(target.Host, target.Port);
    }
}
