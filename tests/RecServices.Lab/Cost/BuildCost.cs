using System.Text.Json.Serialization;
using RecServices.Core.Bundles;

namespace RecServices.Lab.Cost;

/// <summary>
/// The bundle build: data generation and the builder's steps (wall time and peak RSS of each, from the manifest).
/// </summary>
public sealed record BuildCost(
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("peak_rss_bytes")] long? PeakRssBytes,
    [property: JsonPropertyName("bundle_bytes")] long BundleBytes,
    [property: JsonPropertyName("steps")] IReadOnlyList<BuildStep> Steps,
    [property: JsonPropertyName("validation_ndcg10")] double ValidationNdcg,
    [property: JsonPropertyName("popularity_ndcg10")] double? PopularityNdcg,
    [property: JsonPropertyName("similar_items")] IndexSummary? SimilarItems
);
