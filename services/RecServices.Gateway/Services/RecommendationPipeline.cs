using System.Runtime.CompilerServices;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.BundleServing;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Retrieval;

namespace RecServices.Gateway.Services;

/// <summary>
/// The gateway's Recommend: the user's history from the store, then the one recommendation flow of Serving
/// (<see cref="RecommendationFlow{TCall}"/>: candidates → seen filter → ranking relayed as it streams, and the
/// fallbacks) with its stages bound over gRPC, retrieval (<see cref="RetrievalBackend"/>) and ranking
/// (<see cref="RankingBackend"/>). One answer uses one bundle version: the calls are pinned to the gateway's own
/// version, by item index (no id is looked up on the way); a backend that does not hold it (a promotion in progress)
/// names the version it serves and the flow asks again with that one, by id. When the store fails, the most popular
/// items, marked degraded. A cancelled caller cancels the outgoing calls.
/// </summary>
public sealed class RecommendationPipeline
{
    /// <summary>Why an answer is degraded when the user store failed.</summary>
    public const string StoreReason = "user store unavailable: most popular items";

    private readonly Readiness<GatewayState> _readiness;
    private readonly UserStoreHealth _storeHealth;
    private readonly GatewayOptions _options;
    private readonly RecommendationFlow<RecommendCall> _flow;
    private readonly LiveCatalog _live;

    public RecommendationPipeline(
        Readiness<GatewayState> readiness,
        LiveCatalog live,
        UserStoreHealth storeHealth,
        ICandidateStage<RecommendCall> retrieval,
        IRankingStage<RecommendCall> ranking,
        IOptions<GatewayOptions> options,
        GatewayMetrics metrics
    )
    {
        (_readiness, _live, _storeHealth, _options) = (readiness, live, storeHealth, options.Value);
        _flow = new RecommendationFlow<RecommendCall>(
            retrieval,
            ranking,
            StoreReason,
            filtered: (_, unseen) => metrics.RecordFiltered(unseen.Candidates.Count),
            storeFailed: () => metrics.RecordDegraded(UserStoreHealth.Dependency, StatusCode.Unavailable)
        );
    }

    /// <summary>
    /// Whether interactions with <paramref name="itemId"/> may be recorded: the bundle holds it, or the catalog service
    /// added it (hidden or deleted ones included: what a user did stays true).
    /// </summary>
    public bool KnowsItem(GatewayState state, string itemId) =>
        state.Bundle.Catalog.Index.ContainsKey(itemId) || _live.Current.StateOf(itemId)?.Metadata is not null;

    public GatewayState State =>
        _readiness.Value ?? throw new RpcException(new Status(StatusCode.Unavailable, _readiness.Status));

    /// <summary>
    /// The top <paramref name="count"/> for <paramref name="userId"/>. <paramref name="callerDeadline"/> is the
    /// caller's own deadline (<see cref="DateTime.MaxValue"/> for none): no outgoing call outlives it, and a call cut
    /// short by it is the caller's doing, never counted or logged as a failure of the dependency.
    /// </summary>
    public IAsyncEnumerable<Recommendation> RecommendAsync(
        string userId,
        int count,
        DateTime callerDeadline,
        CancellationToken cancellationToken
    ) => RecommendAsync(userId, count, [], callerDeadline, cancellationToken);

    /// <summary>The same, leaving <paramref name="excluded"/> (item ids) out of every path of the answer.</summary>
    public async IAsyncEnumerable<Recommendation> RecommendAsync(
        string userId,
        int count,
        IReadOnlyCollection<string> excluded,
        DateTime callerDeadline,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var call = Excluding(await ReadUserAsync(userId, count, callerDeadline, cancellationToken), excluded);
        var answers = call.StoreFailed
            ? _flow.StoreFailedAsync(call, cancellationToken) // nothing to exclude
            : _flow.RunAsync(call, cancellationToken);
        await foreach (var answer in answers)
        {
            yield return answer;
        }
    }

    /// <summary>
    /// <paramref name="call"/> with <paramref name="excluded"/> (ids; the unknown ones ignored) kept out with the seen
    /// items on every path and sent to retrieval with the history, which its sources skip.
    /// </summary>
    private static RecommendCall Excluding(RecommendCall call, IReadOnlyCollection<string> excluded)
    {
        if (excluded.Count == 0)
        {
            return call;
        }

        var items = new List<int>(excluded.Count);
        call.Served.Resolve(excluded, items);
        return items.Count == 0
            ? call
            : call with
            {
                Context = call.Context with { Seen = call.Context.Seen.With(items) },
                Excluded = [.. items],
            };
    }

    /// <summary>
    /// The history: the user's newest items and profile from the store, resolved to the bundle's items; a longer
    /// history is asked about the candidates about to be sent (one more read, heavy users only).
    /// </summary>
    private async Task<RecommendCall> ReadUserAsync(
        string userId,
        int count,
        DateTime callerDeadline,
        CancellationToken cancellationToken
    )
    {
        var state = State;
        // One live-catalog version for the whole answer: its hidden items are kept out with the seen ones on every
        // path of the flow (ranked, retrieval order, popular), its added items are resolved and named.
        var served = _live.Current.For(state.Bundle);
        Users.StoredUser? user;
        try
        {
            user = await _storeHealth.CallAsync(
                token => state.Store.FindAsync(userId, _options.HistoryLimit, token),
                callerDeadline,
                cancellationToken
            );
        }
        catch (Users.UserStoreUnavailableException)
        {
            return new RecommendCall(
                state,
                null,
                [],
                state.Contexts.Create([], null, served),
                count,
                _options.CandidateCount,
                callerDeadline
            )
            {
                StoreFailed = true,
                Served = served,
            };
        }

        var known = new List<int>();
        served.Resolve(user?.History ?? [], known);
        var history = known.ToArray();
        return new RecommendCall(
            state,
            user,
            history,
            state.Contexts.Create(history, user?.Country, served),
            count,
            _options.CandidateCount,
            callerDeadline
        )
        {
            Served = served,
            OlderSeen = user is { HistoryTruncated: true } truncated
                ? (itemIds, seen, token) =>
                    SeenAmongAsync(served, state, truncated, itemIds, seen, callerDeadline, token)
                : null,
        };
    }

    /// <summary>
    /// <paramref name="seen"/> plus those of <paramref name="itemIds"/> the user interacted with beyond the history
    /// read; null when the store failed.
    /// </summary>
    private async Task<SeenFilter?> SeenAmongAsync(
        ServedItems served,
        GatewayState state,
        Users.StoredUser user,
        IReadOnlyList<string> itemIds,
        SeenFilter seen,
        DateTime callerDeadline,
        CancellationToken cancellationToken
    )
    {
        IReadOnlyCollection<string> older;
        try
        {
            older = await _storeHealth.CallAsync(
                token => state.Store.SeenAmongAsync(user.Id, itemIds, token),
                callerDeadline,
                cancellationToken
            );
        }
        catch (Users.UserStoreUnavailableException)
        {
            return null;
        }

        if (older.Count == 0)
        {
            return seen;
        }

        var items = new List<int>();
        served.Resolve(older, items);
        return seen.With(items);
    }
}
