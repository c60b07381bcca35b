using RecServices.Core.Bundles;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;

namespace RecServices.Serving.Pipeline;

/// <summary>
/// The served two-stage pipeline in process: user context → candidate generation (seen items filtered)
/// → ranking → top k. The retrieval and ranking services run these same classes behind gRPC; the
/// offline evaluator runs them here, so the number it reports is the number the services serve.
/// </summary>
public sealed class TwoStagePipeline(
    Bundle bundle,
    CandidateGenerator generator,
    Ranker ranker,
    UserContextFactory contexts,
    int historyLimit = TwoStagePipeline.DefaultHistoryLimit,
    int freshSlots = Ranker.DefaultFreshSlots
)
{
    private readonly RecommendationFlow<InProcessCall> _flow = new(
        new InProcessCandidates(generator),
        new InProcessRanking(ranker, freshSlots),
        "the user's history could not be read",
        filtered: (call, candidates) => call.Filtered = candidates
    );

    /// <summary>
    /// The newest distinct items of a history that serving reads for the candidate sources and the user tower (the
    /// gateway's Recs:HistoryLimit); seen-item filtering covers the whole history.
    /// </summary>
    public const int DefaultHistoryLimit = 500;

    public Bundle Bundle => bundle;

    /// <summary>
    /// The newest <paramref name="limit"/> entries of a history given oldest first: what serving reads of it.
    /// </summary>
    public static int[] Newest(int[] history, int limit = DefaultHistoryLimit) =>
        history.Length <= limit ? history : history[^limit..];

    /// <summary>
    /// The pipeline over a bundle with the given quotas, sharing one <paramref name="ranker"/> (one ONNX Runtime
    /// session); the history limit is the gateway's (Recs:HistoryLimit).
    /// </summary>
    public static TwoStagePipeline Create(
        Bundle bundle,
        Ranker ranker,
        RetrievalOptions quotas,
        int historyLimit = DefaultHistoryLimit,
        int freshSlots = Ranker.DefaultFreshSlots
    ) =>
        new(
            bundle,
            new CandidateGenerator(bundle, quotas, ranker.Tower),
            ranker,
            new UserContextFactory(bundle.Catalog, quotas),
            historyLimit,
            freshSlots
        );

    /// <summary>
    /// Candidates for the user (seen items left out) and the top <paramref name="k"/> of them by V_u · V_m, through
    /// the one <see cref="RecommendationFlow{TCall}"/> the gateway runs, its two stages bound in process.
    /// </summary>
    /// <remarks>
    /// As the gateway serves it: the sources and the user tower read the newest history-limit items, and retrieval
    /// excludes those; an older seen item that retrieval proposes anyway is filtered after retrieval (the gateway
    /// checks such items against the store), so it takes a place under the cap as it does in the services. With
    /// <paramref name="items"/>, the live catalog's view (added items proposed by the fresh source and ranked on their
    /// own V_m, hidden ones left out), as the services serve it.
    /// </remarks>
    public (FilteredCandidates Candidates, RankedItem[] Top) Recommend(
        UserProfile user,
        string? country,
        int k,
        int maxCandidates,
        ServedItems? items = null
    )
    {
        var served = Newest(user.History, historyLimit);
        var call = new InProcessCall(
            new FlowCall(
                bundle,
                served,
                contexts.Create(served, country, items),
                k,
                maxCandidates,
                user.Age,
                user.Gender
            )
            {
                Served = items ?? ServedItems.Of(bundle.Catalog),
                OlderSeen =
                    served.Length < user.History.Length
                        ? (_, seen, _) => Task.FromResult<SeenFilter?>(seen.With(user.History))
                        : null,
            }
        );
        var top = new List<RankedItem>(k);
        // Both stages answer synchronously: the enumeration completes without waiting.
        var answers = _flow.RunAsync(call, CancellationToken.None).GetAsyncEnumerator();
        try
        {
            while (answers.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                top.Add(new RankedItem(answers.Current.Item, answers.Current.Score));
            }
        }
        finally
        {
            answers.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return (call.Filtered!, [.. top]);
    }

    /// <summary>The same model ranking the whole catalog minus the user's seen items: the upper reference.</summary>
    public RankedItem[] RecommendFromCatalog(UserProfile user, int k)
    {
        var top = new RankedItem[Math.Min(k, bundle.Catalog.Count)];
        var n = ranker.RankAll(user, SeenFilter.Of(user.History), top);
        return top[..n];
    }
}

/// <summary>An in-process call: the flow's inputs, and the filtered candidates once filtered.</summary>
internal sealed record InProcessCall : FlowCall
{
    public InProcessCall(FlowCall call)
        : base(call) { }

    /// <summary>The candidates after the seen filter.</summary>
    public FilteredCandidates? Filtered { get; set; }
}

/// <summary>
/// The candidate stage in process: the served sources over the bundle (what the retrieval service runs). The
/// evaluator's binding, and the gateway's test double.
/// </summary>
public sealed class InProcessCandidates(CandidateGenerator generator) : ICandidateStage<FlowCall>
{
    public ValueTask<CandidateAnswer> CandidatesAsync(
        FlowCall call,
        string version,
        bool allowRedirect,
        CancellationToken cancellationToken
    ) =>
        ValueTask.FromResult(
            CandidateAnswer.Of(
                new LocalCandidates(
                    // the user tower's inputs for the embedding source, as the retrieval service reads them
                    generator.Generate(
                        call.Context with
                        {
                            Profile = new UserProfile(call.History, call.Age, call.Gender),
                        },
                        call.MaxCandidates
                    ),
                    version
                )
            )
        );
}

/// <summary>A candidate set generated in process, read as the flow reads retrieval's answer.</summary>
internal sealed class LocalCandidates(CandidateSet set, string version) : ICandidates
{
    public string Version => version;

    public int Count => set.Count;

    public int ItemAt(int position, ServedItems served) => set.Items[position];

    public IReadOnlyList<string> ItemIds(ServedItems served) => [.. set.Items.Select(served.IdOf)];

    public SourceHit[] SourcesAt(int position) => [.. set.SourcesAt(position)];
}

/// <summary>
/// The ranking stage in process: the user tower run once, then V_u · V_m over the candidates (what the ranking
/// service runs). The evaluator's binding, and the gateway's test double.
/// </summary>
public sealed class InProcessRanking(Ranker ranker, int freshSlots = Ranker.DefaultFreshSlots) : IRankingStage<FlowCall>
{
    public async IAsyncEnumerable<RankedItem> RankAsync(
        FlowCall call,
        FilteredCandidates filtered,
        bool allowRedirect,
        RankingOutcome outcome,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var top = new RankedItem[Math.Min(call.Count, filtered.Candidates.Count)];
        var n = ranker.Rank(
            new UserProfile(call.History, call.Age, call.Gender),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(filtered.Candidates),
            top,
            out _,
            call.Served.Fresh,
            freshSlots
        );
        await Task.CompletedTask;
        for (var i = 0; i < n; i++)
        {
            yield return top[i];
        }
    }
}
