using RecServices.Contracts.Retrieval.V1;

namespace RecServices.Gateway.Services;

/// <summary>Retrieval's answer: its proposals, or the version it serves instead, or why there are none.</summary>
internal sealed record Retrieved(GetCandidatesResponse? Proposals, string? ServedInstead, string? Failure);
