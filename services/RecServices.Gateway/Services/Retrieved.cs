namespace RecServices.Gateway.Services;

/// <summary>Retrieval's answer: its candidates, or the version it serves instead, or why there are none.</summary>
internal sealed record Retrieved(RetrievedCandidates? Candidates, string? ServedInstead, string? Failure);
