using System.Net;
using System.Net.Sockets;

namespace RecServices.Cli.Hosting;

/// <summary>A TCP port free on loopback right now (another process may still take it before it is bound).</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
