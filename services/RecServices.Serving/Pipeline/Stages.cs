using RecServices.Core.Bundles;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;

namespace RecServices.Serving.Pipeline;

/// <summary>
/// One recommendation's inputs as the flow reads them: the bundle it serves from, the newest history (item indexes,
/// oldest first) that the sources and the user tower read, the sources' context (its seen filter), the length of the
/// list, the most candidates retrieval may propose, and the user tower's other inputs.
/// </summary>
public record FlowCall(
    Bundle Bundle,
    int[] History,
    UserContext Context,
    int Count,
    int MaxCandidates,
    int? Age,
    string? Gender
)
{
    private readonly ServedItems? _served;

    /// <summary>
    /// What the call serves from: the bundle's catalog with the live catalog's added and hidden items (the
    /// catalog alone unless set).
    /// </summary>
    public ServedItems Served
    {
        get => _served ?? ServedItems.Of(Bundle.Catalog);
        init => _served = value;
    }

    /// <summary>
    /// The part of the history the flow did not read, when there is one: given candidate ids and the seen filter,
    /// the filter with those of the candidates the user saw earlier added; null when they could not be read (the user
    /// store failed). Null when the history read is the whole history.
    /// </summary>
    public Func<IReadOnlyList<string>, SeenFilter, CancellationToken, Task<SeenFilter?>>? OlderSeen { get; init; }
}

/// <summary>Retrieval's candidates as the flow reads them, in retrieval order, for one bundle version.</summary>
public interface ICandidates
{
    /// <summary>The bundle version the candidates are of.</summary>
    string Version { get; }

    int Count { get; }

    /// <summary>Candidate <paramref name="position"/>'s item index in <paramref name="served"/>, or -1.</summary>
    int ItemAt(int position, ServedItems served);

    /// <summary>The candidates' item ids, in order.</summary>
    IReadOnlyList<string> ItemIds(ServedItems served);

    /// <summary>Candidate <paramref name="position"/>'s sources, in the order they proposed it.</summary>
    SourceHit[] SourcesAt(int position);
}

/// <summary>The candidate stage's answer: candidates, or the version it serves instead, or why there are none.</summary>
public sealed record CandidateAnswer(ICandidates? Candidates, string? ServedInstead, string? Failure)
{
    public static CandidateAnswer Of(ICandidates candidates) => new(candidates, null, null);

    public static CandidateAnswer Redirect(string version) => new(null, version, null);

    public static CandidateAnswer Failed(string reason) => new(null, null, reason);
}

/// <summary>The candidate stage: retrieval, in process or over gRPC.</summary>
public interface ICandidateStage<in TCall>
    where TCall : FlowCall
{
    /// <summary>
    /// The candidates for <paramref name="call"/> of bundle <paramref name="version"/>; when the stage does not hold
    /// that version and <paramref name="allowRedirect"/>, the version it serves instead; a failure as its reason.
    /// </summary>
    ValueTask<CandidateAnswer> CandidatesAsync(
        TCall call,
        string version,
        bool allowRedirect,
        CancellationToken cancellationToken
    );
}

/// <summary>The ranking stage: the user tower and V_u · V_m, in process or over gRPC.</summary>
public interface IRankingStage<in TCall>
    where TCall : FlowCall
{
    /// <summary>
    /// The filtered candidates' order, best first, as item indexes of the call's catalog with their scores, as it is
    /// produced; how it ended (a failure, or the version the stage serves instead when
    /// <paramref name="allowRedirect"/> and nothing was sent yet) goes to <paramref name="outcome"/>, whose
    /// <see cref="RankingOutcome.Sent"/> the flow fills as it relays.
    /// </summary>
    IAsyncEnumerable<RankedItem> RankAsync(
        TCall call,
        FilteredCandidates filtered,
        bool allowRedirect,
        RankingOutcome outcome,
        CancellationToken cancellationToken
    );
}

/// <summary>How the ranking stage ended: the items relayed, and a failure or the version it serves instead.</summary>
public sealed class RankingOutcome
{
    public HashSet<int> Sent { get; } = [];

    public string? Failure { get; set; }

    public string? ServedInstead { get; set; }
}

/// <summary>
/// The candidates after the seen filter, in retrieval order, with their positions in retrieval's answer (where their
/// sources are read, for the items actually sent only).
/// </summary>
public sealed record FilteredCandidates(ICandidates Retrieved, List<int> Candidates, Dictionary<int, int> Positions)
{
    public string Version => Retrieved.Version;

    public int Count => Candidates.Count;

    public bool Contains(int item) => Positions.ContainsKey(item);

    /// <summary>
    /// The items of <paramref name="retrieved"/> known to <paramref name="served"/> that <paramref name="seen"/>
    /// allows, each once, in retrieval order.
    /// </summary>
    public static FilteredCandidates Of(ICandidates retrieved, ServedItems served, SeenFilter seen)
    {
        var count = retrieved.Count;
        var filtered = new FilteredCandidates(retrieved, new List<int>(count), new Dictionary<int, int>(count));
        for (var i = 0; i < count; i++)
        {
            var item = retrieved.ItemAt(i, served);
            if (item >= 0 && seen.Allows(item) && filtered.Positions.TryAdd(item, i))
            {
                filtered.Candidates.Add(item);
            }
        }

        return filtered;
    }
}

/// <summary>One recommended item as the flow produces it, with the bundle version that produced it.</summary>
public sealed record Recommendation(
    int Item,
    string ItemId,
    string Title,
    float Score,
    int Rank,
    IReadOnlyList<SourceHit> Sources,
    bool Degraded,
    string DegradedReason,
    string BundleVersion
);
