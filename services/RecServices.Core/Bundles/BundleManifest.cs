using RecServices.Core.Features;

namespace RecServices.Core.Bundles;

/// <summary>
/// <c>manifest.json</c>: what a bundle holds and how it was made. <see cref="ManifestSha256"/> is the
/// SHA-256 of the file's bytes with that value written as 64 zeros, so a change anywhere in the
/// manifest is detected like a change in any other file.
/// </summary>
public sealed record BundleManifest
{
    public const string FileName = "manifest.json";

    /// <summary>The format this build reads and writes.</summary>
    public const int CurrentFormatVersion = 1;

    public required int FormatVersion { get; init; }

    /// <summary>A human-readable id of this bundle: creation time and the start of the dataset fingerprint.</summary>
    public required string Version { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DatasetSummary Dataset { get; init; }

    public required FeatureSchema Schema { get; init; }

    public required TowerDimensions Towers { get; init; }

    public required int ItemCount { get; init; }

    /// <summary>Neighbours per item in the item-item table.</summary>
    public required int SimilarItemsK { get; init; }

    /// <summary>"exact" or "approximate (partitioned …)".</summary>
    public required string SimilarItemsIndex { get; init; }

    /// <summary>
    /// How the item-item table was built: time and recall against exact search (absent in bundles built before it
    /// was recorded).
    /// </summary>
    public IndexSummary? SimilarItemsBuild { get; init; }

    /// <summary>The embedding source's index (<see cref="EmbeddingIndex"/>), absent when the bundle has none.</summary>
    public IndexSummary? EmbeddingIndex { get; init; }

    public required TrainingSummary Training { get; init; }

    /// <summary>
    /// Every step of the build in order, with its time and peak memory (absent in bundles built before it was
    /// recorded).
    /// </summary>
    public IReadOnlyList<BuildStep>? BuildSteps { get; init; }

    public required IReadOnlyList<BundleFile> Files { get; init; }

    public string ManifestSha256 { get; init; } = string.Empty;
}
