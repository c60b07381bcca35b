using RecServices.BundleServing;
using RecServices.Core.Bundles;
using RecServices.Serving.Inference;
using RecServices.Serving.Ranking;

namespace RecServices.Ranking.Services;

/// <summary>
/// What the ranking service serves from: one bundle version, its ranker (one ONNX Runtime session) and the item tower
/// that embeds the items added through the catalog service (opened at the first), disposed when the version retires.
/// </summary>
public sealed record RankingState(Bundle Bundle, Ranker Ranker, ItemEmbedder Embedder) : IServedBundle, IDisposable
{
    public RankingState(Bundle bundle, Ranker ranker)
        : this(bundle, ranker, new ItemEmbedder(bundle)) { }

    public void Dispose()
    {
        Ranker.Dispose();
        Embedder.Dispose();
    }
}
