using System.Runtime.CompilerServices;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.Contracts.Ranking.V1;
using RecServices.Contracts.Retrieval.V1;
using RecServices.ServiceDefaults;
using SourceHit = RecServices.Serving.Retrieval.SourceHit;

namespace RecServices.Gateway.Services;

/// <summary>
/// The gateway's logic: load the user's profile → retrieval → filter seen items → ranking, relaying the
/// ranker's stream as it arrives, cut at the requested count. One answer uses one bundle version: retrieval is asked
/// for candidates of the gateway's own version, by item index (no id is looked up on the way), and ranking to rank
/// with the version retrieval answered with. When a backend does not hold the version asked (a promotion in
/// progress), the gateway asks retrieval again with the version that backend serves, by id, once per backend. When ranking fails or is late, the rest of
/// the list comes in retrieval order; when retrieval fails, from the bundle's popular items. Both are marked
/// degraded. A cancelled caller cancels the outgoing calls.
/// </summary>
public sealed class RecommendationPipeline(
    Readiness<GatewayState> readiness,
    UserStoreHealth storeHealth,
    RetrievalService.RetrievalServiceClient retrieval,
    RankingService.RankingServiceClient ranking,
    IOptions<GatewayOptions> options,
    GatewayMetrics metrics,
    TimeProvider time,
    ILogger<RecommendationPipeline> logger)
{
    private readonly GatewayOptions _options = options.Value;
    private readonly BackendHealth _retrievalHealth = new(logger, "Retrieval", "answering degraded (the most popular items)",
        options.Value.BreakerFailures, TimeSpan.FromMilliseconds(options.Value.BreakerOpenMs), time);
    private readonly BackendHealth _rankingHealth = new(logger, "Ranking", "answering degraded (retrieval order)",
        options.Value.BreakerFailures, TimeSpan.FromMilliseconds(options.Value.BreakerOpenMs), time);

    public GatewayState State => readiness.Value ?? throw new RpcException(new Status(StatusCode.Unavailable, readiness.Status));

    /// <summary>
    /// The top <paramref name="count"/> for <paramref name="userId"/>, in four steps: the user's history, retrieval's
    /// candidates, the seen filter, ranking relayed as it streams; with the two fallbacks, the most popular items when
    /// retrieval fails and retrieval order when ranking does. <paramref name="callerDeadline"/> is the caller's own
    /// deadline (<see cref="DateTime.MaxValue"/> for none): no outgoing call outlives it, and a call cut short by it is the
    /// caller's doing, never counted or logged as a failure of the dependency.
    /// </summary>
    public async IAsyncEnumerable<Recommendation> RecommendAsync(string userId, int count, DateTime callerDeadline, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var call = await ReadUserAsync(userId, count, callerDeadline, cancellationToken);

        // Pinned to the gateway's own version, the calls carry item indexes; a backend that does not hold it says which
        // version it serves, and the gateway asks again with that one (by id), once per backend.
        var version = call.State.Bundle.Manifest.Version;
        var (retrievalRedirected, rankingRedirected) = (false, false);
        while (true)
        {
            var retrieved = await RetrieveAsync(call, version, allowRedirect: !retrievalRedirected, cancellationToken);
            if (retrieved.ServedInstead is { } retrievalServes)
            {
                (retrievalRedirected, version) = (true, retrievalServes); // one of them is promoting
                continue;
            }

            if (retrieved.Proposals is null)
            {
                await foreach (var popular in MostPopularAsync(call, retrieved.Failure!, cancellationToken))
                {
                    yield return popular;
                }

                yield break;
            }

            var filtered = await FilterAsync(call, retrieved.Proposals, cancellationToken);
            var ranking = new RankingOutcome();
            await foreach (var ranked in RankAsync(call, filtered, allowRedirect: !rankingRedirected, ranking, cancellationToken))
            {
                yield return ranked;
            }

            if (ranking.ServedInstead is { } rankingServes)
            {
                (rankingRedirected, version) = (true, rankingServes); // ask retrieval again for the version ranking serves
                continue;
            }

            if (ranking.Failure is { } failure)
            {
                foreach (var rest in InRetrievalOrder(call, filtered, ranking.Sent, failure))
                {
                    yield return rest;
                }
            }

            yield break;
        }
    }

    /// <summary>One Recommend's inputs: the state it serves from, the user as read, the history as item indexes, the sources' context.</summary>
    private sealed record RecommendCall(
        GatewayState State, Users.StoredUser? User, int[] History, Serving.Retrieval.UserContext Context, int Count, DateTime CallerDeadline)
    {
        /// <summary>Now plus <paramref name="milliseconds"/>, never past the caller's deadline.</summary>
        public DateTime Deadline(int milliseconds) => Min(CallerDeadline, DateTime.UtcNow.AddMilliseconds(milliseconds));
    }

    /// <summary>Retrieval's answer: its proposals, or the version it serves instead, or why there are none.</summary>
    private sealed record Retrieved(GetCandidatesResponse? Proposals, string? ServedInstead, string? Failure);

    /// <summary>The candidates after the seen filter, in retrieval order, with their positions in retrieval's answer.</summary>
    private sealed record Filtered(GetCandidatesResponse Proposals, List<int> Candidates, Dictionary<int, int> Positions)
    {
        public string Version => Proposals.BundleVersion;
    }

    /// <summary>How ranking's stream ended: the items relayed, and a failure or the version ranking serves instead.</summary>
    private sealed class RankingOutcome
    {
        public HashSet<int> Sent { get; } = [];

        public string? Failure { get; set; }

        public string? ServedInstead { get; set; }
    }

    /// <summary>Step 1: the user's newest items and profile from the store, resolved to the bundle's items.</summary>
    private async Task<RecommendCall> ReadUserAsync(string userId, int count, DateTime callerDeadline, CancellationToken cancellationToken)
    {
        var state = State;
        var user = await storeHealth.CallAsync(() => state.Store.FindAsync(userId, _options.HistoryLimit, cancellationToken), "retry the call");
        var known = new List<int>();
        state.Bundle.Catalog.Resolve(user?.History ?? [], known);
        var history = known.ToArray();
        return new RecommendCall(state, user, history, state.Contexts.Create(history, user?.Country), count, callerDeadline);
    }

    /// <summary>Step 2: retrieval's candidates for the user, pinned to <paramref name="version"/>; its failures counted, logged and skipped past.</summary>
    private async Task<Retrieved> RetrieveAsync(RecommendCall call, string version, bool allowRedirect, CancellationToken cancellationToken)
    {
        if (!_retrievalHealth.Allow())
        {
            metrics.RecordDegraded("retrieval", SkippedStatus);
            return new Retrieved(null, null, "retrieval skipped after repeated failures: most popular items");
        }

        var user = call.User;
        var request = BackendRequests.Candidates(call.State.Bundle, call.Context, call.History, user?.Age, user?.Gender, _options.CandidateCount, version);
        var deadline = call.Deadline(_options.RetrievalTimeoutMs);
        try
        {
            var proposals = await retrieval.GetCandidatesAsync(request, deadline: deadline, cancellationToken: cancellationToken);
            _retrievalHealth.Succeeded();
            if ((proposals.ColumnProblem() ?? IndexProblem(request, proposals)) is { } problem)
            {
                throw new RpcException(new Status(StatusCode.Internal, $"retrieval answered inconsistent columns: {problem}"));
            }

            return new Retrieved(proposals, null, null);
        }
        catch (RpcException e) when (allowRedirect && ServedInstead(e, request.BundleVersion, cancellationToken) is { } served)
        {
            return new Retrieved(null, served, null);
        }
        catch (RpcException e) when (DependencyFailed(e, deadline, call.CallerDeadline, cancellationToken))
        {
            _retrievalHealth.Failed(e.StatusCode);
            metrics.RecordDegraded("retrieval", e.StatusCode);
            return new Retrieved(null, null, $"retrieval unavailable ({e.StatusCode}): most popular items");
        }
    }

    /// <summary>
    /// Step 3: the candidates the user has not seen, each once, in retrieval order. The newest HistoryLimit items feed the
    /// sources and the tower and are excluded by retrieval; a longer history is checked against the store for the items
    /// about to be sent (one more read, heavy users only).
    /// </summary>
    private async Task<Filtered> FilterAsync(RecommendCall call, GetCandidatesResponse proposals, CancellationToken cancellationToken)
    {
        var catalog = call.State.Bundle.Catalog;
        var seen = call.Context.Excluded;
        if (call.User is { HistoryTruncated: true } user)
        {
            seen = await SeenAmongAsync(call.State, user, proposals.ItemIndexes.Count > 0 ? [.. proposals.ItemIndexes.Select(catalog.IdOf)] : proposals.ItemIds, seen, cancellationToken);
        }

        var filtered = new Filtered(proposals, [], []);
        CandidateFilter.Apply(proposals, catalog, seen, filtered.Candidates, filtered.Positions);
        metrics.RecordFiltered(filtered.Candidates.Count);
        return filtered;
    }

    /// <summary>
    /// Step 4: ranking's order of the candidates, relayed item by item as it streams, cut at the count; how the stream
    /// ended goes to <paramref name="outcome"/>. The stream is read to its end (the ranker sends top_count items and
    /// ends), so that the call ends cleanly instead of being cancelled once the list is full.
    /// </summary>
    private async IAsyncEnumerable<Recommendation> RankAsync(
        RecommendCall call, Filtered filtered, bool allowRedirect, RankingOutcome outcome, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (filtered.Candidates.Count == 0)
        {
            yield break;
        }

        if (!_rankingHealth.Allow())
        {
            metrics.RecordDegraded("ranking", SkippedStatus);
            outcome.Failure = "ranking skipped after repeated failures: retrieval order";
            yield break;
        }

        var (catalog, version, sent, user) = (call.State.Bundle.Catalog, filtered.Version, outcome.Sent, call.User);
        var byIndex = BackendRequests.ByIndex(call.State.Bundle, version);
        var request = BackendRequests.Rank(call.State.Bundle, call.History, filtered.Candidates, user?.Age, user?.Gender, call.Count, version);
        var deadline = call.Deadline(_options.RankingTimeoutMs);
        using var stream = ranking.RankCandidates(request, deadline: deadline, cancellationToken: cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await stream.ResponseStream.MoveNext(cancellationToken);
            }
            catch (RpcException e) when (allowRedirect && sent.Count == 0 && ServedInstead(e, version, cancellationToken) is { } served)
            {
                outcome.ServedInstead = served; // a promotion in progress
                yield break;
            }
            catch (RpcException e) when (DependencyFailed(e, deadline, call.CallerDeadline, cancellationToken))
            {
                if (sent.Count < call.Count) // once the list is complete a failure changes nothing for the caller
                {
                    _rankingHealth.Failed(e.StatusCode);
                    metrics.RecordDegraded("ranking", e.StatusCode);
                    outcome.Failure = $"ranking unavailable ({e.StatusCode}): retrieval order";
                }

                yield break;
            }

            if (!more)
            {
                _rankingHealth.Succeeded();
                yield break;
            }

            var ranked = stream.ResponseStream.Current;
            var item = ranked.ItemId.Length == 0 ? -1 : byIndex ? ranked.ItemIndex : catalog.Index.GetValueOrDefault(ranked.ItemId, -1);
            if (sent.Count >= call.Count || !filtered.Positions.TryGetValue(item, out var position) || !sent.Add(item))
            {
                continue; // the unknown-ids report, an item we did not send, or past the count: never relayed
            }

            yield return new Recommendation(ranked.ItemId, catalog.TitleOf(item), ranked.Score, sent.Count,
                CandidateFilter.SourcesOf(filtered.Proposals, position), false, string.Empty, version);
        }
    }

    /// <summary>Retrieval's fallback: the bundle's most popular items the user has not seen, marked degraded.</summary>
    private async IAsyncEnumerable<Recommendation> MostPopularAsync(RecommendCall call, string reason, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (state, seen) = (call.State, call.Context.Excluded);
        var catalog = state.Bundle.Catalog;
        var popular = state.Bundle.Tops!.Global;
        if (call.User is { HistoryTruncated: true } user)
        {
            seen = await SeenAmongAsync(state, user, popular.Items.Select(i => catalog.IdOf(i)).ToArray(), seen, cancellationToken);
        }

        var rank = 0;
        for (var j = 0; j < popular.Items.Length && rank < call.Count; j++)
        {
            var item = popular.Items[j];
            if (!seen.Contains(item))
            {
                yield return new Recommendation(catalog.IdOf(item), catalog.TitleOf(item), popular.Scores[j], ++rank,
                    [new SourceHit(Serving.Retrieval.SourceKind.Popular, string.Empty, popular.Scores[j])], true, reason, state.Bundle.Manifest.Version);
            }
        }
    }

    /// <summary>
    /// Ranking's fallback: the rest of the list (after the <paramref name="sent"/> items ranking did send) from the
    /// filtered candidates in retrieval order, marked degraded, each scored by its first source.
    /// </summary>
    private static IEnumerable<Recommendation> InRetrievalOrder(RecommendCall call, Filtered filtered, HashSet<int> sent, string reason)
    {
        var catalog = call.State.Bundle.Catalog;
        foreach (var item in filtered.Candidates)
        {
            if (sent.Count >= call.Count)
            {
                yield break;
            }

            if (sent.Add(item))
            {
                var sources = CandidateFilter.SourcesOf(filtered.Proposals, filtered.Positions[item]);
                yield return new Recommendation(catalog.IdOf(item), catalog.TitleOf(item), sources.Length > 0 ? sources[0].Score : 0, sent.Count, sources, true, reason, filtered.Version);
            }
        }
    }

    /// <summary>The status a call skipped by an open breaker is counted under (in recs.gateway.degraded_responses).</summary>
    private const StatusCode SkippedStatus = StatusCode.Unavailable;

    /// <summary>Null when an answer to a request by index is one (item indexes of the version asked for); otherwise what is wrong.</summary>
    private static string? IndexProblem(GetCandidatesRequest request, GetCandidatesResponse answer) =>
        !request.AnswerWithIndexes ? null
        : answer.BundleVersion != request.BundleVersion ? $"asked for indexes of version {request.BundleVersion}, answered with version {answer.BundleVersion}"
        : answer.ItemIds.Count > 0 ? "asked for item indexes, answered with item ids"
        : null;

    /// <summary><paramref name="seen"/> plus those of <paramref name="itemIds"/> the user interacted with beyond the history read.</summary>
    private async Task<IReadOnlySet<int>> SeenAmongAsync(GatewayState state, Users.StoredUser user, IReadOnlyList<string> itemIds, IReadOnlySet<int> seen, CancellationToken cancellationToken)
    {
        var older = await storeHealth.CallAsync(() => state.Store.SeenAmongAsync(user.Id, itemIds, cancellationToken), "retry the call");
        if (older.Count == 0)
        {
            return seen;
        }

        var all = new HashSet<int>(seen);
        state.Bundle.Catalog.Resolve(older, all);
        return all;
    }

    /// <summary>The version ranking serves when it refused <paramref name="asked"/> as not held (FAILED_PRECONDITION with the version trailer).</summary>
    private static string? ServedInstead(RpcException e, string asked, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e.StatusCode == StatusCode.FailedPrecondition
            && e.Trailers.GetValue(BundleVersions.Trailer) is { Length: > 0 } served && served != asked
            ? served
            : null;

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    /// <summary>
    /// A failure of the dependency, not of our caller: the caller's cancellation or expired deadline must propagate (the
    /// outgoing call may see it a moment before the caller's token does), and is neither logged nor counted.
    /// </summary>
    private static bool DependencyFailed(RpcException e, DateTime deadline, DateTime callerDeadline, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && DateTime.UtcNow < callerDeadline
        && !(e.StatusCode == StatusCode.DeadlineExceeded && deadline >= callerDeadline) // the call had the caller's deadline: the backend saw it pass first
        && e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal
            or StatusCode.Unknown or StatusCode.ResourceExhausted or StatusCode.Aborted or StatusCode.Cancelled or StatusCode.Unimplemented
            or StatusCode.FailedPrecondition;

}
