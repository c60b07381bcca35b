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
    int historyLimit = TwoStagePipeline.DefaultHistoryLimit
)
{
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
        int historyLimit = DefaultHistoryLimit
    ) =>
        new(
            bundle,
            new CandidateGenerator(bundle, quotas, ranker.Tower),
            ranker,
            new UserContextFactory(bundle.Catalog, quotas),
            historyLimit
        );

    /// <summary>
    /// Candidates for the user (seen items already left out) and the top <paramref name="k"/> of them by V_u · V_m.
    /// </summary>
    /// <remarks>
    /// As the gateway serves it: the sources and the user tower read the newest history-limit items, and retrieval
    /// excludes those; an older seen item that retrieval proposes anyway is filtered after retrieval (the gateway
    /// checks such items against the store), so it takes a place under the cap as it does in the services.
    /// </remarks>
    public (CandidateSet Candidates, RankedItem[] Top) Recommend(
        UserProfile user,
        string? country,
        int k,
        int maxCandidates
    )
    {
        var served = user with { History = Newest(user.History, historyLimit) };
        var context = contexts.Create(served.History, country) with { Profile = served };
        var candidates = generator.Generate(context, maxCandidates);
        if (served.History.Length < user.History.Length)
        {
            candidates = candidates.Without(SeenFilter.Of(user.History));
        }

        var top = new RankedItem[Math.Min(k, candidates.Count)];
        var n = ranker.Rank(served, candidates.ItemSpan, top);
        return (candidates, top[..n]);
    }

    /// <summary>The same model ranking the whole catalog minus the user's seen items: the upper reference.</summary>
    public RankedItem[] RecommendFromCatalog(UserProfile user, int k)
    {
        var top = new RankedItem[Math.Min(k, bundle.Catalog.Count)];
        var n = ranker.RankAll(user, SeenFilter.Of(user.History), top);
        return top[..n];
    }
}
