namespace RecServices.Gateway.Services;

/// <summary>
/// How ranking's stream ended: the items relayed, and a failure or the version ranking serves instead.
/// </summary>
internal sealed class RankingOutcome
{
    public HashSet<int> Sent { get; } = [];

    public string? Failure { get; set; }

    public string? ServedInstead { get; set; }
}
