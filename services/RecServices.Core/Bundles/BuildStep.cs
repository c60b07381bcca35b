namespace RecServices.Core.Bundles;

/// <summary>
/// One step of the bundle build: its wall time and the peak resident memory of the build during it (null where
/// unknown).
/// </summary>
public sealed record BuildStep(string Name, double Seconds, long? PeakRssBytes);
