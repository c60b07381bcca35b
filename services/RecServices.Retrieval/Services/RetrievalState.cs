using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;

namespace RecServices.Retrieval.Services;

/// <summary>What the retrieval service serves from: the loaded bundle and its candidate generator.</summary>
public sealed record RetrievalState(Bundle Bundle, CandidateGenerator Generator);
