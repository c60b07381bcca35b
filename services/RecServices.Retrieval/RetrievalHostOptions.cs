using System.ComponentModel.DataAnnotations;
using RecServices.BundleServing;
using RecServices.Serving.Retrieval;

namespace RecServices.Retrieval;

/// <summary>
/// The retrieval service's settings (section <c>Recs</c>): the shared ones, the store the live catalog is read from
/// (optional), and the candidate budget.
/// </summary>
public sealed class RetrievalHostOptions : StoreOptions
{
    /// <summary>
    /// Every candidate source's quota multiplied by this over the design's recipe (10 × 10 similar,
    /// 3 × 10 category, 20 country, 20 popular). The default is the scale `recs sweep` chose; `recs-lab sweep
    /// --via-grpc` sets it per point.
    /// </summary>
    [Range(
        0.01,
        1000,
        ErrorMessage = "Recs:QuotaScale must be between 0.01 and 1000 (1 = the design's recipe, about 90 candidates)"
    )]
    public double QuotaScale { get; set; } = RetrievalOptions.DefaultScale;

    /// <summary>
    /// Items the embedding source proposes per request (highest V_u · V_m, the user tower run here); 0, the
    /// default, turns it off (and the service then loads neither the user tower nor the embedding index). Not
    /// scaled by QuotaScale.
    /// </summary>
    [Range(
        0,
        RetrievalOptions.CandidateCapLimit,
        ErrorMessage = "Recs:EmbeddingQuota must be between 0 (off) and 5000"
    )]
    public int EmbeddingQuota { get; set; }
}
