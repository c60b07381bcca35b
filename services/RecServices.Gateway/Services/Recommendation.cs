using RecServices.Serving.Retrieval;

namespace RecServices.Gateway.Services;

/// <summary>One recommended item as the gateway streams it, with the bundle version that produced it.</summary>
public sealed record Recommendation(
    string ItemId,
    string Title,
    float Score,
    int Rank,
    IReadOnlyList<SourceHit> Sources,
    bool Degraded,
    string DegradedReason,
    string BundleVersion
);
