using System.Text.Json.Serialization;
using RecServices.Cli.Load;
using RecServices.Core.Bundles;

namespace RecServices.Cli.Cost;

/// <summary>Everything <c>recs cost</c> measured at one catalog size.</summary>
public sealed record SizeCost(
    [property: JsonPropertyName("items")] int Items,
    [property: JsonPropertyName("users")] int Users,
    [property: JsonPropertyName("interactions")] int Interactions,
    [property: JsonPropertyName("build")] BuildCost Build,
    [property: JsonPropertyName("quality")] QualityCost Quality,
    [property: JsonPropertyName("services")] IReadOnlyList<ServiceCost> Services,
    [property: JsonPropertyName("calls")] IReadOnlyList<CallCost> Calls);

/// <summary>The bundle build: data generation and the builder's steps (wall time and peak RSS of each, from the manifest).</summary>
public sealed record BuildCost(
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("peak_rss_bytes")] long? PeakRssBytes,
    [property: JsonPropertyName("bundle_bytes")] long BundleBytes,
    [property: JsonPropertyName("steps")] IReadOnlyList<BuildStep> Steps,
    [property: JsonPropertyName("validation_ndcg10")] double ValidationNdcg,
    [property: JsonPropertyName("popularity_ndcg10")] double? PopularityNdcg,
    [property: JsonPropertyName("similar_items")] IndexSummary? SimilarItems);

/// <summary>
/// The served two-stage pipeline against full-catalog scoring (the same model's V_u · V_m over every item, seen items
/// left out, top 10), in process, on the same held-out users one after the other: nDCG@10 and time per request.
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
    [property: JsonPropertyName("full_catalog_p99_ms")] double FullCatalogP99Ms)
{
    /// <summary>Full-catalog p50 over two-stage p50: how many times faster the two stages answer.</summary>
    [JsonPropertyName("speedup_p50")]
    public double Speedup => Math.Round(FullCatalogP50Ms / Math.Max(TwoStageP50Ms, 1e-9), 1);

    /// <summary>Two-stage nDCG@10 as a share of full-catalog's.</summary>
    [JsonPropertyName("ndcg_share")]
    public double NdcgShare => Math.Round(TwoStageNdcg / Math.Max(FullCatalogNdcg, 1e-12), 4);
}

/// <summary>One service's start: seconds from process start to SERVING (started alone), resident memory then and after the calls, and the bytes of the bundle files it loads.</summary>
public sealed record ServiceCost(
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("ready_seconds")] double ReadySeconds,
    [property: JsonPropertyName("table_bytes")] long TableBytes,
    [property: JsonPropertyName("rss_ready_bytes")] long RssReadyBytes,
    [property: JsonPropertyName("rss_after_calls_bytes")] long RssAfterCallsBytes,
    [property: JsonPropertyName("rss_after_calls_anonymous_bytes")] long RssAfterCallsAnonymousBytes,
    [property: JsonPropertyName("rss_after_calls_file_bytes")] long RssAfterCallsFileBytes)
{
    /// <summary>Resident memory after the calls over the bytes of its tables.</summary>
    [JsonPropertyName("rss_over_tables")]
    public double RssOverTables => Math.Round(RssAfterCallsBytes / (double)Math.Max(1, TableBytes), 2);
}

/// <summary>One call over gRPC at concurrency 1 (closed loop): which service, which call, its latency summary.</summary>
public sealed record CallCost(
    [property: JsonPropertyName("call")] string Call,
    [property: JsonPropertyName("summary")] LoadSummary Summary);
