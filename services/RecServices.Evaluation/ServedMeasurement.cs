namespace RecServices.Evaluation;

/// <summary>
/// The served pipeline measured through the running services at one quota scale: per-request latency of a
/// whole Recommend (client side, over gRPC) and how many lists differ from the in-process ones (expected 0).
/// </summary>
public sealed record ServedMeasurement(
    int Requests,
    double LatencyP50Ms,
    double LatencyP90Ms,
    double LatencyP99Ms,
    int ListsDiffering
);
