using RecServices.Contracts.Gateway.V1;

namespace RecServices.Serving.Retrieval;

/// <summary>
/// Why a candidate was proposed: the source, what it was about (the recent item's id, the category, the
/// country; empty for popular and embedding) and the source's own score (cosine similarity, interaction count, or
/// the model score V_u · V_m).
/// </summary>
public readonly record struct SourceHit(SourceKind Kind, string Key, float Score)
{
    /// <summary>
    /// The source's name as shown to callers: "similar-items", "category", "country", "popular", "embedding", "fresh".
    /// </summary>
    public string KindName => NameOf(Kind);

    /// <summary>The name of a candidate source as shown to callers and in metrics.</summary>
    public static string NameOf(SourceKind kind) =>
        kind switch
        {
            SourceKind.SimilarItems => "similar-items",
            SourceKind.Category => "category",
            SourceKind.Country => "country",
            SourceKind.Embedding => "embedding",
            SourceKind.Fresh => "fresh",
            _ => "popular",
        };
}
