using RecServices.Training.Model;

namespace RecServices.Training.Bundling;

/// <summary>What <see cref="BundleBuilder"/> does besides training.</summary>
public sealed record BuildOptions
{
    public TrainingOptions Training { get; init; } = new();

    /// <summary>Neighbours per item in the item-item table.</summary>
    public int SimilarItemsK { get; init; } = 10;

    /// <summary>Up to this many items the item-item table is exact; above, approximate (HNSW).</summary>
    public int ExactSimilarMaxItems { get; init; } = 100_000;

    /// <summary>Items kept per top list (global, category, country).</summary>
    public int TopListLength { get; init; } = 200;

    /// <summary>
    /// After early stopping on the validation carve has chosen the epoch count, train again from the
    /// same seed on every interaction for that many epochs; the bundle holds the refit model, and its
    /// recorded validation metrics are those of the carve model.
    /// </summary>
    public bool Refit { get; init; } = true;

    /// <summary>
    /// Trainings the hyperparameter search may run on the validation carve, the given settings first
    /// (<see cref="HyperparameterSearch"/>); 1 takes the given settings as they are.
    /// </summary>
    public int SearchTrials { get; init; } = DefaultSearchTrials;

    /// <summary>
    /// The default search budget: with the refit, about 3 × the training time of the given settings alone.
    /// </summary>
    public const int DefaultSearchTrials = 4;

    /// <summary>
    /// β of the served popularity term (<see cref="PopularityPenalty"/>): null chooses it on the validation carve
    /// (none without a carve); 0 serves the towers' scores alone.
    /// </summary>
    public double? PopularityPenalty { get; init; }

    /// <summary>Replace an existing bundle in the output directory.</summary>
    public bool Overwrite { get; init; } = true;
}
