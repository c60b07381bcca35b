namespace RecServices.Evaluation;

/// <summary>
/// Measures the served pipeline through the running services (started by the caller over one bundle) at one quota
/// scale.
/// </summary>
public interface IServedProbe
{
    /// <param name="bundleDirectory">The bundle the services must serve.</param>
    /// <param name="quotaScale">The retrieval quota scale to serve.</param>
    /// <param name="embeddingQuota">The embedding source's quota to serve (0 = off).</param>
    /// <param name="maxCandidates">The candidate cap the in-process run used.</param>
    /// <param name="k">The list length.</param>
    /// <param name="inProcess">The in-process measurement at this scale: its users are requested and its lists
    /// compared.</param>
    /// <param name="cancellationToken">Stops the measurement.</param>
    Task<ServedMeasurement> MeasureAsync(
        string bundleDirectory,
        double quotaScale,
        int embeddingQuota,
        int maxCandidates,
        int k,
        Measurement inProcess,
        CancellationToken cancellationToken
    );
}
