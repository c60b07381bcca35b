using System.Runtime.CompilerServices;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.BundleServing;
using RecServices.Serving.Retrieval;

namespace RecServices.Gateway.Services;

/// <summary>
/// The gateway's logic: load the user's profile → retrieval (<see cref="RetrievalBackend"/>) → filter seen items →
/// ranking (<see cref="RankingBackend"/>), relaying the ranker's stream as it arrives, cut at the requested count.
/// One answer uses one bundle version: retrieval is asked for candidates of the gateway's own version, by item
/// index (no id is looked up on the way), and ranking to rank with the version retrieval answered with. When a
/// backend does not hold the version asked (a promotion in progress), the gateway asks retrieval again with the
/// version that backend serves, by id, once per backend. When ranking fails or is late, the rest of the list comes
/// in retrieval order; when retrieval fails, from the bundle's popular items. Both are marked degraded. A cancelled
/// caller cancels the outgoing calls.
/// </summary>
public sealed class RecommendationPipeline(
    Readiness<GatewayState> readiness,
    UserStoreHealth storeHealth,
    RetrievalBackend retrieval,
    RankingBackend ranking,
    IOptions<GatewayOptions> options,
    GatewayMetrics metrics
)
{
    /// <summary>Why an answer is degraded when the user store failed.</summary>
    public const string StoreReason = "user store unavailable: most popular items";

    private readonly GatewayOptions _options = options.Value;

    public GatewayState State =>
        readiness.Value ?? throw new RpcException(new Status(StatusCode.Unavailable, readiness.Status));

    /// <summary>
    /// The top <paramref name="count"/> for <paramref name="userId"/>, in four steps: the user's history,
    /// retrieval's candidates, the seen filter, ranking relayed as it streams; with the two fallbacks, the most
    /// popular items when retrieval fails and retrieval order when ranking does. <paramref name="callerDeadline"/>
    /// is the caller's own deadline (<see cref="DateTime.MaxValue"/> for none): no outgoing call outlives it, and a
    /// call cut short by it is the caller's doing, never counted or logged as a failure of the dependency.
    /// </summary>
    public async IAsyncEnumerable<Recommendation> RecommendAsync(
        string userId,
        int count,
        DateTime callerDeadline,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var call = await ReadUserAsync(userId, count, callerDeadline, cancellationToken);
        if (call.StoreFailed)
        {
            // the store did not answer: the popular items, with nothing to exclude
            await foreach (var popular in StoreFailedAsync(call, cancellationToken))
            {
                yield return popular;
            }

            yield break;
        }

        // Pinned to the gateway's own version, the calls carry item indexes; a backend that does not hold it says which
        // version it serves, and the gateway asks again with that one (by id), once per backend.
        var version = call.State.Bundle.Manifest.Version;
        var (retrievalRedirected, rankingRedirected) = (false, false);
        while (true)
        {
            var retrieved = await retrieval.GetCandidatesAsync(
                call,
                version,
                allowRedirect: !retrievalRedirected,
                cancellationToken
            );
            if (retrieved.ServedInstead is { } retrievalServes)
            {
                (retrievalRedirected, version) = (true, retrievalServes); // one of them is promoting
                continue;
            }

            if (retrieved.Candidates is null)
            {
                await foreach (var popular in MostPopularAsync(call, retrieved.Failure!, cancellationToken))
                {
                    yield return popular;
                }

                yield break;
            }

            var filtered = await FilterAsync(call, retrieved.Candidates, cancellationToken);
            if (filtered is null)
            {
                // the store failed on the older history: the popular items without those of the newest history
                await foreach (var popular in StoreFailedAsync(call, cancellationToken))
                {
                    yield return popular;
                }

                yield break;
            }

            var outcome = new RankingOutcome();
            await foreach (
                var ranked in ranking.RankAsync(
                    call,
                    filtered,
                    allowRedirect: !rankingRedirected,
                    outcome,
                    cancellationToken
                )
            )
            {
                yield return ranked;
            }

            if (outcome.ServedInstead is { } rankingServes)
            {
                // ask retrieval again for the version ranking serves
                (rankingRedirected, version) = (true, rankingServes);
                continue;
            }

            if (outcome.Failure is { } failure)
            {
                foreach (var rest in InRetrievalOrder(call, filtered, outcome.Sent, failure))
                {
                    yield return rest;
                }
            }

            yield break;
        }
    }

    /// <summary>
    /// The history: the user's newest items and profile from the store, resolved to the bundle's items.
    /// </summary>
    private async Task<RecommendCall> ReadUserAsync(
        string userId,
        int count,
        DateTime callerDeadline,
        CancellationToken cancellationToken
    )
    {
        var state = State;
        Users.StoredUser? user;
        try
        {
            user = await storeHealth.CallAsync(
                token => state.Store.FindAsync(userId, _options.HistoryLimit, token),
                callerDeadline,
                cancellationToken
            );
        }
        catch (Users.UserStoreUnavailableException)
        {
            return new RecommendCall(state, null, [], state.Contexts.Create([], null), count, callerDeadline)
            {
                StoreFailed = true,
            };
        }

        var known = new List<int>();
        state.Bundle.Catalog.Resolve(user?.History ?? [], known);
        var history = known.ToArray();
        return new RecommendCall(
            state,
            user,
            history,
            state.Contexts.Create(history, user?.Country),
            count,
            callerDeadline
        );
    }

    /// <summary>
    /// The seen filter: the candidates the user has not seen, each once, in retrieval order. The newest
    /// HistoryLimit items feed the sources and the tower and are excluded by retrieval; a longer history is checked
    /// against the store for the items about to be sent (one more read, heavy users only).
    /// </summary>
    private async Task<Filtered?> FilterAsync(
        RecommendCall call,
        RetrievedCandidates retrieved,
        CancellationToken cancellationToken
    )
    {
        var catalog = call.State.Bundle.Catalog;
        var seen = call.Context.Seen;
        if (call.User is { HistoryTruncated: true } user)
        {
            try
            {
                seen = await SeenAmongAsync(call, user, retrieved.ItemIds(catalog), seen, cancellationToken);
            }
            catch (Users.UserStoreUnavailableException)
            {
                return null;
            }
        }

        var filtered = new Filtered(retrieved, [], []);
        CandidateFilter.Apply(retrieved, catalog, seen, filtered.Candidates, filtered.Positions);
        metrics.RecordFiltered(filtered.Candidates.Count);
        return filtered;
    }

    /// <summary>The user store's fallback: counted, then the most popular items, marked degraded.</summary>
    private IAsyncEnumerable<Recommendation> StoreFailedAsync(RecommendCall call, CancellationToken cancellationToken)
    {
        metrics.RecordDegraded(UserStoreHealth.Dependency, StatusCode.Unavailable);
        return MostPopularAsync(call, StoreReason, cancellationToken);
    }

    /// <summary>Retrieval's fallback: the bundle's most popular items the user has not seen, marked degraded.</summary>
    private async IAsyncEnumerable<Recommendation> MostPopularAsync(
        RecommendCall call,
        string reason,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var (state, seen) = (call.State, call.Context.Seen);
        var catalog = state.Bundle.Catalog;
        var popular = state.Bundle.Tops!.Global;
        if (call.User is { HistoryTruncated: true } user)
        {
            try
            {
                seen = await SeenAmongAsync(
                    call,
                    user,
                    popular.Items.Select(i => catalog.IdOf(i)).ToArray(),
                    seen,
                    cancellationToken
                );
            }
            catch (Users.UserStoreUnavailableException)
            {
                reason = StoreReason; // filtered by the newest history only
            }
        }

        var rank = 0;
        for (var j = 0; j < popular.Items.Length && rank < call.Count; j++)
        {
            var item = popular.Items[j];
            if (seen.Allows(item))
            {
                yield return new Recommendation(
                    catalog.IdOf(item),
                    catalog.TitleOf(item),
                    popular.Scores[j],
                    ++rank,
                    [new SourceHit(SourceKind.Popular, string.Empty, popular.Scores[j])],
                    true,
                    reason,
                    state.Bundle.Manifest.Version
                );
            }
        }
    }

    /// <summary>
    /// Ranking's fallback: the rest of the list (after the <paramref name="sent"/> items ranking did send) from the
    /// filtered candidates in retrieval order, marked degraded, each scored by its first source.
    /// </summary>
    private static IEnumerable<Recommendation> InRetrievalOrder(
        RecommendCall call,
        Filtered filtered,
        HashSet<int> sent,
        string reason
    )
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
                var sources = filtered.Retrieved.SourcesAt(filtered.Positions[item]);
                yield return new Recommendation(
                    catalog.IdOf(item),
                    catalog.TitleOf(item),
                    sources.Length > 0 ? sources[0].Score : 0,
                    sent.Count,
                    sources,
                    true,
                    reason,
                    filtered.Version
                );
            }
        }
    }

    /// <summary>
    /// <paramref name="seen"/> plus those of <paramref name="itemIds"/> the user interacted with beyond the history
    /// read.
    /// </summary>
    private async Task<SeenFilter> SeenAmongAsync(
        RecommendCall call,
        Users.StoredUser user,
        IReadOnlyList<string> itemIds,
        SeenFilter seen,
        CancellationToken cancellationToken
    )
    {
        var older = await storeHealth.CallAsync(
            token => call.State.Store.SeenAmongAsync(user.Id, itemIds, token),
            call.CallerDeadline,
            cancellationToken
        );
        if (older.Count == 0)
        {
            return seen;
        }

        var items = new List<int>();
        call.State.Bundle.Catalog.Resolve(older, items);
        return seen.With(items);
    }
}
