using Wire = RecServices.Contracts.Retrieval.V1.SourceKind;

namespace RecServices.Serving.Retrieval;

/// <summary>
/// The one mapping between the candidate sources and the retrieval contract's <c>SourceKind</c> (retrieval writes
/// it, the gateway reads it).
/// </summary>
public static class SourceKindWire
{
    public static Wire ToWire(this SourceKind kind) =>
        kind switch
        {
            SourceKind.SimilarItems => Wire.SimilarItems,
            SourceKind.Category => Wire.Category,
            SourceKind.Country => Wire.Country,
            SourceKind.Popular => Wire.Popular,
            SourceKind.Embedding => Wire.Embedding,
            _ => throw new ArgumentOutOfRangeException(
                nameof(kind),
                kind,
                "a source kind the retrieval contract does not have"
            ),
        };

    /// <summary>
    /// The source of a wire kind; one this build does not know (a newer retrieval) reads as popular, the most
    /// generic.
    /// </summary>
    public static SourceKind FromWire(Wire kind) =>
        kind switch
        {
            Wire.SimilarItems => SourceKind.SimilarItems,
            Wire.Category => SourceKind.Category,
#pragma warning disable CS0612 // the deprecated value: what retrieval servers before SOURCE_KIND_CATEGORY sent
            Wire.Genre => SourceKind.Category,
#pragma warning restore CS0612
            Wire.Country => SourceKind.Country,
            Wire.Embedding => SourceKind.Embedding,
            _ => SourceKind.Popular,
        };
}
