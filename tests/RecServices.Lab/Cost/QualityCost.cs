using System.Text.Json.Serialization;

namespace RecServices.Lab.Cost;

/// <summary>
/// The served two-stage pipeline against full-catalog scoring (the same model's V_u · V_m over every item, seen items
/// left out, top 10), in process, on the same held-out users: nDCG@10, and time per request with each path timed alone.
/// </summary>
public sealed record QualityCost(
    [property: JsonPropertyName("users")] int Users,
    [property: JsonPropertyName("candidates_mean")] double MeanCandidates,
    [property: JsonPropertyName("two_stage_ndcg10")] double TwoStageNdcg,
    [property: JsonPropertyName("full_catalog_ndcg10")] double FullCatalogNdcg,
    [property: JsonPropertyName("popularity_ndcg10")] double PopularityNdcg,
    [property: JsonPropertyName("two_stage_p50_ms")] double TwoStageP50Ms,
    [property: JsonPropertyName("two_stage_p99_ms")] double TwoStageP99Ms,
    [property: JsonPropertyName("full_catalog_p50_ms")] double FullCatalogP50Ms,
    [property: JsonPropertyName("full_catalog_p99_ms")] double FullCatalogP99Ms
)
{
    /// <summary>
    /// Two-stage p50 when each request follows a full-catalog one for the previous user (caches emptied by its
    /// scan).
    /// </summary>
    [JsonPropertyName("interleaved_two_stage_p50_ms")]
    public double InterleavedTwoStageP50Ms { get; init; }

    /// <summary>Full-catalog p50 measured interleaved with the two-stage requests.</summary>
    [JsonPropertyName("interleaved_full_catalog_p50_ms")]
    public double InterleavedFullCatalogP50Ms { get; init; }

    /// <summary>Full-catalog p50 over two-stage p50: how many times faster the two stages answer.</summary>
    [JsonPropertyName("speedup_p50")]
    public double Speedup => Math.Round(FullCatalogP50Ms / Math.Max(TwoStageP50Ms, 1e-9), 1);

    /// <summary>Two-stage nDCG@10 as a share of full-catalog's.</summary>
    [JsonPropertyName("ndcg_share")]
    public double NdcgShare => Math.Round(TwoStageNdcg / Math.Max(FullCatalogNdcg, 1e-12), 4);
}
