using RecServices.Core.Bundles;
using RecServices.Serving.Retrieval;
using RecServices.ServiceDefaults;

namespace RecServices.Retrieval.Services;

/// <summary>What the retrieval service serves from: one bundle version and its candidate generator.</summary>
public sealed record RetrievalState(Bundle Bundle, CandidateGenerator Generator) : IServedBundle;
