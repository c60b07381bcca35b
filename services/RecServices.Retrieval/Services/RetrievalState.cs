using RecServices.BundleServing;
using RecServices.Core.Bundles;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;

namespace RecServices.Retrieval.Services;

/// <summary>
/// What the retrieval service serves from: one bundle version, its candidate generator and, when the embedding source
/// is on, the user tower it runs (one ONNX Runtime session, disposed when the version retires).
/// </summary>
public sealed record RetrievalState(Bundle Bundle, CandidateGenerator Generator, UserTower? Tower = null)
    : IServedBundle,
        IDisposable
{
    public void Dispose() => Tower?.Dispose();
}
