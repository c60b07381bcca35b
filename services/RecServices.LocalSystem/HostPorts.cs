namespace RecServices.LocalSystem;

/// <summary>A host's two loopback ports: gRPC (HTTP/2 only) and HTTP/1.1 (metrics, health).</summary>
public readonly record struct HostPorts(int Grpc, int Http)
{
    /// <summary>The loopback address every local host listens on, as a cleartext base address.</summary>
    public const string Loopback = "http://127.0.0.1";

    /// <summary>The cleartext gRPC address of the host.</summary>
    public string GrpcAddress => $"{Loopback}:{Grpc}";

    /// <summary>The host's Prometheus endpoint, on its HTTP/1.1 port.</summary>
    public string MetricsAddress => $"{Loopback}:{Http}/metrics";

    /// <summary>
    /// Two ports free on the loopback address now (a start that loses one to another process retries).
    /// </summary>
    public static HostPorts Free() => new(LoopbackPort.Free(), LoopbackPort.Free());
}
