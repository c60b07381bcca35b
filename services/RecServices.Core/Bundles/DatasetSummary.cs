namespace RecServices.Core.Bundles;

/// <summary>The data a bundle was trained on.</summary>
public sealed record DatasetSummary(
    string Name,
    string Fingerprint,
    int Items,
    int Users,
    long Interactions,
    long TrainInteractions,
    long ValidationInteractions
);
