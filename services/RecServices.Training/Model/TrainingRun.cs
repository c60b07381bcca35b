using RecServices.Core.Bundles;

namespace RecServices.Training.Model;

/// <summary>The result of training: the network holding the best epoch's weights and how training went.</summary>
public sealed record TrainingRun(
    TwoTowerNetwork Network,
    IReadOnlyList<EpochRecord> Epochs,
    int BestEpoch,
    IReadOnlyDictionary<string, double> Validation,
    IReadOnlyDictionary<string, double> PopularityValidation,
    double Seconds
);
