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

    /// <summary>Items kept per top list (global, genre, country).</summary>
    public int TopListLength { get; init; } = 200;

    /// <summary>Replace an existing bundle in the output directory.</summary>
    public bool Overwrite { get; init; } = true;
}
