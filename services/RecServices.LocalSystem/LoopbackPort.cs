using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace RecServices.LocalSystem;

/// <summary>
/// A TCP port free on loopback right now (another process may still take it before it is bound). Never the same port
/// twice in one process: the kernel may offer a just-released port again, and two hosts given one port collide.
/// </summary>
internal static class LoopbackPort
{
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    public static int Free()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, true))
            {
                return port;
            }
        }
    }
}
