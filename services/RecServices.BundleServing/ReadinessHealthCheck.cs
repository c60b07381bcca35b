using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RecServices.BundleServing;

/// <summary>Healthy once the service's state is loaded; drives grpc.health.v1 and /healthz.</summary>
internal sealed class ReadinessHealthCheck<T>(Readiness<T> readiness) : IHealthCheck
    where T : class, IServedBundle
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default
    ) =>
        Task.FromResult(
            readiness.IsReady ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(readiness.Status)
        );
}
