namespace RecServices.Evaluation;

/// <summary>
/// One candidate budget of the sweep: the quota scale, and on the validation carve (where the choice is
/// made) and on the test split, the candidates, retrieval recall, served metrics and in-process latency;
/// with <c>--via-grpc</c> also the test split served through the three services.
/// </summary>
public sealed record SweepPoint(
    double QuotaScale,
    Measurement Validation,
    Measurement Test,
    ServedMeasurement? ViaGrpc = null
);
