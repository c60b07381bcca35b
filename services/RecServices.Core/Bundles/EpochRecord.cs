namespace RecServices.Core.Bundles;

/// <summary>One training epoch: mean loss, validation nDCG@10 and recall@10, seconds taken.</summary>
public sealed record EpochRecord(
    int Epoch,
    double Loss,
    double ValidationNdcg,
    double ValidationRecall,
    double Seconds
);
