using System.Net;
using System.Net.Sockets;

namespace RecServices.FunctionalTests;

/// <summary>Free loopback ports for the hosts a test starts.</summary>
public static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
