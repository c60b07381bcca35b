using RecServices.BundleServing;
using RecServices.Core.Bundles;
using RecServices.Serving.Ranking;

namespace RecServices.Ranking.Services;

/// <summary>
/// What the ranking service serves from: one bundle version and its ranker (one ONNX Runtime session, disposed when
/// the version retires).
/// </summary>
public sealed record RankingState(Bundle Bundle, Ranker Ranker) : IServedBundle, IDisposable
{
    public void Dispose() => Ranker.Dispose();
}
