using System.Globalization;
using RecServices.Core.Bundles;

namespace RecServices.Training.Model;

/// <summary>
/// Hyperparameters of two-tower training. Defaults were chosen on a validation carve of the train part.
/// </summary>
public sealed record TrainingOptions
{
    public int Seed { get; init; } = 42;

    public int Epochs { get; init; } = 20;

    /// <summary>Stop after this many epochs without a better validation nDCG@10 (0 = never).</summary>
    public int Patience { get; init; } = 4;

    public int BatchSize { get; init; } = 256;

    public float LearningRate { get; init; } = 0.004f;

    public float WeightDecay { get; init; } = 0.5f;

    /// <summary>Probability of dropping each history item from a training example's user tower input.</summary>
    public double HistoryDropout { get; init; } = 0.3;

    /// <summary>
    /// The probability that an item of a training batch reads the new-item embedding instead of its own (its id
    /// dropped): the item tower learns to score an item from its features alone, which is what it does for an item
    /// added through the catalog service after training. 0, the default, leaves the new-item row at the mean of the
    /// embeddings and trains as before: on the synthetic data's cold-start run (docs/quality.md, "Items added after
    /// training") 0.1 ranked the cold items among themselves better (recall@10 0.140 against 0.132) but served lists
    /// worse (every test item's recall@10 0.159 against 0.162, the cold ones' 0.016 against 0.018).
    /// </summary>
    public double ItemIdDropout { get; init; }

    /// <summary>The most recent history items the user tower reads.</summary>
    public int HistoryLength { get; init; } = 200;

    /// <summary>
    /// Half-life, in epochs, of the moving average of the weights that validation scores and the bundle keeps
    /// (0 = the raw weights of the last step).
    /// </summary>
    public double AverageHalfLife { get; init; } = 1;

    /// <summary>
    /// Networks trained from different seeds and served as one (their towers concatenated: the score is the
    /// sum of theirs, the serving path unchanged). 1 = a single network.
    /// </summary>
    public int EnsembleSize { get; init; } = 1;

    /// <summary>Recency half-life of the history weights, in items (0 = the plain mean of the history).</summary>
    public double HistoryHalfLife { get; init; }

    /// <summary>Whether the user tower reads per-category affinities of the history besides the history itself.</summary>
    public bool CategoryAffinity { get; init; } = true;

    public TowerDimensions Dimensions { get; init; } = new(64, 64, 128, 64);

    /// <summary>Up to this many items the softmax runs over the whole catalog; above it, over sampled items.</summary>
    public int FullSoftmaxMaxItems { get; init; } = 20_000;

    /// <summary>Uniformly sampled extra negatives per batch when the softmax is sampled.</summary>
    public int SampledNegatives { get; init; } = 2_048;

    /// <summary>
    /// Subtract log q from each class's logit in the sampled softmax, q the probability that the sampling puts the item
    /// among the classes (as a batch positive, by its train frequency, or as a uniform negative): without it, popular
    /// items are pushed down for being sampled more often (Yi et al., RecSys 2019).
    /// </summary>
    public bool LogQCorrection { get; init; } = true;

    /// <summary>Leave each user's other seen items out of their softmax.</summary>
    public bool MaskSeen { get; init; } = true;

    /// <summary>Share of the train interactions carved out (stratified per item) for validation.</summary>
    public double ValidationFraction { get; init; } = 0.25;

    /// <summary>
    /// The validation carve's seed (the training seed + 1): the trainer, ensemble members and EASE's λ all use this
    /// one carve.
    /// </summary>
    public int CarveSeed => Seed + 1;

    /// <summary>Most validation users scored per epoch (fewer for very large catalogs).</summary>
    public int ValidationUsers { get; init; } = 2_000;

    /// <summary>Cap on training examples per epoch (0 = every train interaction), for very large datasets.</summary>
    public int MaxExamplesPerEpoch { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming every option that is out of range.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        void Require(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }

        Require(Epochs >= 1, $"epochs must be at least 1 (got {Epochs})");
        Require(BatchSize >= 2, $"batch size must be at least 2 (got {BatchSize})");
        Require(LearningRate > 0, $"learning rate must be positive (got {LearningRate})");
        Require(WeightDecay >= 0, $"weight decay must not be negative (got {WeightDecay})");
        Require(HistoryDropout is >= 0 and < 1, $"history dropout must lie in [0, 1) (got {HistoryDropout})");
        Require(ItemIdDropout is >= 0 and < 1, $"item id dropout must lie in [0, 1) (got {ItemIdDropout})");
        Require(HistoryLength >= 1, $"history length must be at least 1 (got {HistoryLength})");
        Require(EnsembleSize is >= 1 and <= 16, $"ensemble size must be 1 to 16 (got {EnsembleSize})");
        Require(
            AverageHalfLife >= 0 && AverageHalfLife <= 100,
            $"weight average half-life must be 0 (off) to 100 epochs (got {AverageHalfLife})"
        );
        Require(
            HistoryHalfLife >= 0 && double.IsFinite(HistoryHalfLife),
            $"history half-life must be 0 (plain mean) or positive (got {HistoryHalfLife})"
        );
        Require(
            ValidationFraction is >= 0 and < 0.5,
            $"validation fraction must lie in [0, 0.5) (got {ValidationFraction})"
        );
        Require(SampledNegatives >= 1, $"sampled negatives must be at least 1 (got {SampledNegatives})");
        Require(FullSoftmaxMaxItems >= 0, $"full softmax max items must not be negative (got {FullSoftmaxMaxItems})");
        Require(
            Dimensions is { Output: >= 1, Hidden: >= 1, ItemEmbedding: >= 1, HistoryEmbedding: >= 1 },
            $"tower dimensions must be at least 1 (got {Dimensions})"
        );
        Require(Patience >= 0, $"patience must not be negative (got {Patience})");
        Require(MaxExamplesPerEpoch >= 0, $"max examples per epoch must not be negative (got {MaxExamplesPerEpoch})");
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid training options: " + string.Join("; ", problems));
        }
    }

    /// <summary>The settings as strings, for the manifest.</summary>
    public IReadOnlyDictionary<string, string> ToSettings() =>
        new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture),
            ["patience"] = Patience.ToString(CultureInfo.InvariantCulture),
            ["batchSize"] = BatchSize.ToString(CultureInfo.InvariantCulture),
            ["learningRate"] = LearningRate.ToString(CultureInfo.InvariantCulture),
            ["weightDecay"] = WeightDecay.ToString(CultureInfo.InvariantCulture),
            ["historyDropout"] = HistoryDropout.ToString(CultureInfo.InvariantCulture),
            ["historyLength"] = HistoryLength.ToString(CultureInfo.InvariantCulture),
            ["ensembleSize"] = EnsembleSize.ToString(CultureInfo.InvariantCulture),
            ["averageHalfLife"] = AverageHalfLife.ToString(CultureInfo.InvariantCulture),
            ["historyHalfLife"] = HistoryHalfLife.ToString(CultureInfo.InvariantCulture),
            ["categoryAffinity"] = CategoryAffinity ? "true" : "false",
            ["fullSoftmaxMaxItems"] = FullSoftmaxMaxItems.ToString(CultureInfo.InvariantCulture),
            ["sampledNegatives"] = SampledNegatives.ToString(CultureInfo.InvariantCulture),
            ["maskSeen"] = MaskSeen ? "true" : "false",
            ["logQCorrection"] = LogQCorrection ? "true" : "false",
            ["validationFraction"] = ValidationFraction.ToString(CultureInfo.InvariantCulture),
            ["maxExamplesPerEpoch"] = MaxExamplesPerEpoch.ToString(CultureInfo.InvariantCulture),
        };
}
