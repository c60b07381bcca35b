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
    /// The top <paramref name="count"/> for <paramref name="userId"/>. <paramref name="callerDeadline"/> is the caller's own
    /// deadline (<see cref="DateTime.MaxValue"/> for none): no outgoing call outlives it, and a call cut short by it is the
    /// caller's doing, never counted or logged as a failure of the dependency.
    /// </summary>
    public async IAsyncEnumerable<Recommendation> RecommendAsync(string userId, int count, DateTime callerDeadline, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        DateTime Deadline(int milliseconds) => Min(callerDeadline, DateTime.UtcNow.AddMilliseconds(milliseconds));
        bool IsDependencyFailure(RpcException e, DateTime deadline) => DependencyFailed(e, deadline, callerDeadline, cancellationToken);

        var state = State;
        var catalog = state.Bundle.Catalog;
        var user = await storeHealth.CallAsync(() => state.Store.FindAsync(userId, _options.HistoryLimit, cancellationToken), "retry the call");
        var known = new List<int>();
        catalog.Resolve(user?.History ?? [], known);
        var history = known.ToArray();
        var context = state.Contexts.Create(history, user?.Country);

        // The newest HistoryLimit items feed the sources and the tower and are excluded by retrieval; a longer history
        // is checked against the store for the items about to be sent (one more read, heavy users only).
        var seen = context.Excluded;
        GetCandidatesRequest Candidates(string version) =>
            BackendRequests.Candidates(state.Bundle, context, history, user?.Age, user?.Gender, _options.CandidateCount, version);

        // Pinned to the gateway's own version, the calls carry item indexes; a backend that does not hold it says which
        // version it serves, and the gateway asks again with that one (by id), once per backend.
        var request = Candidates(state.Bundle.Manifest.Version);
        var retrievalRedirected = false;
        var rankingRedirected = false;

        for (var attempt = 1; ; attempt++)
        {
            var candidates = new List<int>();
            var byItem = new Dictionary<int, int>();
            GetCandidatesResponse? proposals = null;
            var retrievalDeadline = DateTime.MaxValue;
            RpcException? retrievalFailure = null;
            var skipped = !_retrievalHealth.Allow();
            if (!skipped)
            {
                try
                {
                    retrievalDeadline = Deadline(_options.RetrievalTimeoutMs);
                    proposals = await retrieval.GetCandidatesAsync(request, deadline: retrievalDeadline, cancellationToken: cancellationToken);
                    _retrievalHealth.Succeeded();
                    if ((proposals.ColumnProblem() ?? IndexProblem(request, proposals)) is { } problem)
                    {
                        throw new RpcException(new Status(StatusCode.Internal, $"retrieval answered inconsistent columns: {problem}"));
                    }
                }
                catch (RpcException e) when (!retrievalRedirected && ServedInstead(e, request.BundleVersion, cancellationToken) is { } served)
                {
                    retrievalRedirected = true; // retrieval does not hold the gateway's version (one of them is promoting)
                    request = Candidates(served);
                    continue;
                }
                catch (RpcException e) when (IsDependencyFailure(e, retrievalDeadline))
                {
                    retrievalFailure = e;
                }
            }

            if (skipped || retrievalFailure is not null)
            {
                if (retrievalFailure is not null)
                {
                    _retrievalHealth.Failed(retrievalFailure.StatusCode);
                }

                metrics.RecordDegraded("retrieval", retrievalFailure?.StatusCode ?? SkippedStatus);
                var reason = retrievalFailure is null
                    ? "retrieval skipped after repeated failures: most popular items"
                    : $"retrieval unavailable ({retrievalFailure.StatusCode}): most popular items";
                await foreach (var popular in MostPopularAsync(state, user, seen, count, reason, cancellationToken))
                {
                    yield return popular;
                }

                yield break;
            }

            if (user is { HistoryTruncated: true })
            {
                seen = await SeenAmongAsync(state, user, proposals!.ItemIndexes.Count > 0 ? [.. proposals.ItemIndexes.Select(catalog.IdOf)] : proposals.ItemIds, seen, cancellationToken);
            }

            CandidateFilter.Apply(proposals!, catalog, seen, candidates, byItem);
            metrics.RecordFiltered(candidates.Count);
            var version = proposals!.BundleVersion;
            var byIndex = BackendRequests.ByIndex(state.Bundle, version);
            var sent = new HashSet<int>();
            string? failure = null;
            string? rankingServes = null;
            if (candidates.Count > 0 && !_rankingHealth.Allow())
            {
                metrics.RecordDegraded("ranking", SkippedStatus);
                failure = "ranking skipped after repeated failures: retrieval order";
            }
            else if (candidates.Count > 0)
            {
                var rankRequest = BackendRequests.Rank(state.Bundle, history, candidates, user?.Age, user?.Gender, count, version);
                var rankingDeadline = Deadline(_options.RankingTimeoutMs);
                using var call = ranking.RankCandidates(rankRequest, deadline: rankingDeadline, cancellationToken: cancellationToken);
                // Read to the end of the stream (the ranker sends top_count items and ends), so that the call ends
                // cleanly instead of being cancelled once the list is full.
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await call.ResponseStream.MoveNext(cancellationToken);
                    }
                    catch (RpcException e) when (!rankingRedirected && sent.Count == 0 && ServedInstead(e, version, cancellationToken) is { } served)
                    {
                        rankingServes = served; // a promotion in progress: ask retrieval again for the version ranking serves
                        break;
                    }
                    catch (RpcException e) when (IsDependencyFailure(e, rankingDeadline))
                    {
                        if (sent.Count >= count)
                        {
                            break; // the list is complete: a failure after it changes nothing for the caller
                        }

                        _rankingHealth.Failed(e.StatusCode);
                        metrics.RecordDegraded("ranking", e.StatusCode);
                        failure = $"ranking unavailable ({e.StatusCode}): retrieval order";
                        break;
                    }

                    if (!more)
                    {
                        _rankingHealth.Succeeded();
                        break;
                    }

                    var ranked = call.ResponseStream.Current;
                    var item = ranked.ItemId.Length == 0 ? -1 : byIndex ? ranked.ItemIndex : catalog.Index.GetValueOrDefault(ranked.ItemId, -1);
                    if (sent.Count >= count || !byItem.TryGetValue(item, out var position) || !sent.Add(item))
                    {
                        continue; // the unknown-ids report, an item we did not send, or past the count: never relayed
                    }

                    yield return new Recommendation(ranked.ItemId, catalog.TitleOf(item), ranked.Score, sent.Count, CandidateFilter.SourcesOf(proposals, position), false, string.Empty, version);
                }
            }

            if (rankingServes is not null)
            {
                rankingRedirected = true;
                request = Candidates(rankingServes);
                continue;
            }

            if (failure is null)
            {
                yield break;
            }

            foreach (var rest in InRetrievalOrder(catalog, proposals, candidates, byItem, sent, count, failure, version))
            {
                yield return rest;
            }

            yield break;
        }
    }

    /// <summary>Retrieval's fallback: the bundle's most popular items the user has not seen, marked degraded.</summary>
    private async IAsyncEnumerable<Recommendation> MostPopularAsync(
        GatewayState state, Users.StoredUser? user, IReadOnlySet<int> seen, int count, string reason, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var catalog = state.Bundle.Catalog;
        var popular = state.Bundle.Tops!.Global;
        if (user is { HistoryTruncated: true })
        {
            seen = await SeenAmongAsync(state, user, popular.Items.Select(i => catalog.IdOf(i)).ToArray(), seen, cancellationToken);
        }

        var rank = 0;
        for (var j = 0; j < popular.Items.Length && rank < count; j++)
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
    private static IEnumerable<Recommendation> InRetrievalOrder(
        Core.Bundles.ItemCatalog catalog, GetCandidatesResponse proposals, List<int> candidates, Dictionary<int, int> byItem, HashSet<int> sent,
        int count, string reason, string version)
    {
        foreach (var item in candidates)
        {
            if (sent.Count >= count)
            {
                yield break;
            }

            if (sent.Add(item))
            {
                var sources = CandidateFilter.SourcesOf(proposals, byItem[item]);
                yield return new Recommendation(catalog.IdOf(item), catalog.TitleOf(item), sources.Length > 0 ? sources[0].Score : 0, sent.Count, sources, true, reason, version);
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
