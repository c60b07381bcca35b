using System.Globalization;
using RecServices.Core.Bundles;

namespace RecServices.Training.Model;

/// <summary>Hyperparameters of two-tower training. Defaults were chosen on a validation carve of the train part.</summary>
public sealed record TrainingOptions
{
    public int Seed { get; init; } = 42;

    public int Epochs { get; init; } = 20;

    /// <summary>Stop after this many epochs without a better validation nDCG@10 (0 = never).</summary>
    public int Patience { get; init; } = 4;

    public int BatchSize { get; init; } = 256;

    public float LearningRate { get; init; } = 0.002f;

    public float WeightDecay { get; init; }

    /// <summary>Probability of dropping each history item from a training example's user tower input.</summary>
    public double HistoryDropout { get; init; } = 0.3;

    /// <summary>The most recent history items the user tower reads.</summary>
    public int HistoryLength { get; init; } = 200;

    public TowerDimensions Dimensions { get; init; } = new(64, 64, 128, 64);

    /// <summary>Up to this many items the softmax runs over the whole catalog; above it, over sampled items.</summary>
    public int FullSoftmaxMaxItems { get; init; } = 20_000;

    /// <summary>Uniformly sampled extra negatives per batch when the softmax is sampled.</summary>
    public int SampledNegatives { get; init; } = 2_048;

    /// <summary>Leave each user's other seen items out of their softmax.</summary>
    public bool MaskSeen { get; init; } = true;

    /// <summary>Share of the train interactions carved out (stratified per item) for validation.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Most validation users scored per epoch (fewer for very large catalogs).</summary>
    public int ValidationUsers { get; init; } = 2_000;

    /// <summary>Cap on training examples per epoch (0 = every train interaction), for very large datasets.</summary>
    public int MaxExamplesPerEpoch { get; init; }

    public void Validate()
    {
        if (Epochs < 1 || BatchSize < 2 || LearningRate <= 0 || HistoryDropout is < 0 or >= 1 || HistoryLength < 1 ||
            ValidationFraction is < 0 or >= 0.5 || SampledNegatives < 1 || Dimensions.Output < 1 || Dimensions.Hidden < 1 ||
            Dimensions.ItemEmbedding < 1 || Dimensions.HistoryEmbedding < 1 || Patience < 0 || MaxExamplesPerEpoch < 0 || WeightDecay < 0)
        {
            throw new ArgumentException($"invalid training options: {this}");
        }
    }

    /// <summary>The settings as strings, for the manifest.</summary>
    public IReadOnlyDictionary<string, string> ToSettings() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture),
        ["patience"] = Patience.ToString(CultureInfo.InvariantCulture),
        ["batchSize"] = BatchSize.ToString(CultureInfo.InvariantCulture),
        ["learningRate"] = LearningRate.ToString(CultureInfo.InvariantCulture),
        ["weightDecay"] = WeightDecay.ToString(CultureInfo.InvariantCulture),
        ["historyDropout"] = HistoryDropout.ToString(CultureInfo.InvariantCulture),
        ["historyLength"] = HistoryLength.ToString(CultureInfo.InvariantCulture),
        ["fullSoftmaxMaxItems"] = FullSoftmaxMaxItems.ToString(CultureInfo.InvariantCulture),
        ["sampledNegatives"] = SampledNegatives.ToString(CultureInfo.InvariantCulture),
        ["maskSeen"] = MaskSeen ? "true" : "false",
        ["validationFraction"] = ValidationFraction.ToString(CultureInfo.InvariantCulture),
        ["maxExamplesPerEpoch"] = MaxExamplesPerEpoch.ToString(CultureInfo.InvariantCulture),
    };
}
