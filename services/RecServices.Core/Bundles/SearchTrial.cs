namespace RecServices.Core.Bundles;

/// <summary>One trial of the hyperparameter search: what changed, the settings, and how it did on validation.</summary>
public sealed record SearchTrial(
    int Number,
    string Change,
    IReadOnlyDictionary<string, string> Settings,
    double ValidationNdcg,
    int BestEpoch,
    int EpochsRun,
    double Seconds,
    bool Won
);
