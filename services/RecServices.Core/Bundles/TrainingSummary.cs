namespace RecServices.Core.Bundles;

/// <summary>How training went: settings, per-epoch log and the validation metrics of the kept model.</summary>
public sealed record TrainingSummary
{
    public required string Loss { get; init; }

    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    public required IReadOnlyList<EpochRecord> Epochs { get; init; }

    /// <summary>The epoch whose weights the bundle holds (best validation nDCG@10).</summary>
    public required int BestEpoch { get; init; }

    /// <summary>Full-catalog validation metrics of the kept model: ndcg@10, recall@10, precision@10, map@10.</summary>
    public required IReadOnlyDictionary<string, double> Validation { get; init; }

    /// <summary>The same metrics for the popularity baseline on the same validation users.</summary>
    public required IReadOnlyDictionary<string, double> PopularityValidation { get; init; }

    /// <summary>
    /// The hyperparameter search's trials on the validation carve, in order (empty when the search was off); the
    /// settings above are the kept trial's.
    /// </summary>
    public IReadOnlyList<SearchTrial> Search { get; init; } = [];

    /// <summary>
    /// β of the served score V_u · V_m − β · log(1 + n_m) (n_m: the item's train interactions), folded into the
    /// vectors as their last component; 0 = no popularity term (the vectors are the towers' alone).
    /// </summary>
    public double PopularityPenalty { get; init; }

    /// <summary>
    /// The strengths scored on the validation carve when β was chosen there (empty when it was given).
    /// </summary>
    public IReadOnlyList<PenaltyTrial> PenaltyTrials { get; init; } = [];

    /// <summary>Largest relative difference between ONNX Runtime and the C# forward pass at export.</summary>
    public required double OnnxParityMaxError { get; init; }

    /// <summary>Seconds spent training: the settings search, every ensemble member and the refit.</summary>
    public required double TrainingSeconds { get; init; }

    public required double TotalSeconds { get; init; }
}
