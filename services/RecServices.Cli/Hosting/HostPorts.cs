namespace RecServices.Cli.Hosting;

/// <summary>A host's two loopback ports: gRPC (HTTP/2 only) and HTTP/1.1 (metrics, health).</summary>
public readonly record struct HostPorts(int Grpc, int Http)
{
    /// <summary>Two ports free on the loopback address now (a start that loses one to another process
    /// retries).</summary>
    public static HostPorts Free() => new(LoopbackPort.Free(), LoopbackPort.Free());
}
