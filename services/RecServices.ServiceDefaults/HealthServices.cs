namespace RecServices.ServiceDefaults;

/// <summary>
/// The grpc.health.v1 service names every host answers. "" and the host's own gRPC service name (e.g.
/// recservices.gateway.v1.GatewayService) are SERVING once the bundle is loaded: the startup and readiness
/// probes ask for the latter. <see cref="Liveness"/> is SERVING while the process runs: the liveness probe asks
/// for it, so that a missing bundle keeps a pod out of rotation without restarting it.
/// </summary>
public static class HealthServices
{
    public const string Liveness = "liveness";

    /// <summary>The health check behind <see cref="Liveness"/>: healthy while the process answers at all.</summary>
    public const string ProcessCheck = "process";
}
