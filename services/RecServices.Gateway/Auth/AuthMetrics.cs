using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using RecServices.ServiceDefaults.Telemetry;

namespace RecServices.Gateway.Auth;

/// <summary>
/// <c>recs.gateway.refused_calls</c>: calls refused before the method ran, by status (UNAUTHENTICATED,
/// PERMISSION_DENIED).
/// </summary>
internal sealed class AuthMetrics
{
    public const string RefusedCalls = "recs.gateway.refused_calls";

    private readonly Counter<long> _refused;

    public AuthMetrics(IMeterFactory meters) =>
        _refused = meters
            .Create(RecsTelemetry.MeterName)
            .CreateCounter<long>(RefusedCalls, "{call}", "Calls refused for their bearer token before the method ran");

    public void Refused(StatusCode status) =>
        _refused.Add(1, new TagList { { RecsTelemetry.RpcResponseStatusCode, RpcMetrics.StatusName(status) } });
}
