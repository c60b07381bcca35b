namespace RecServices.Gateway.Services;

/// <summary>
/// The candidates after the seen filter, in retrieval order, with their positions in retrieval's answer.
/// </summary>
internal sealed record Filtered(RetrievedCandidates Retrieved, List<int> Candidates, Dictionary<int, int> Positions)
{
    public string Version => Retrieved.Version;
}
