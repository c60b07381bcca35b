using System.Runtime.CompilerServices;
using RecServices.Contracts.Gateway.V1;
using RecServices.Serving.Retrieval;

namespace RecServices.Serving.Pipeline;

/// <summary>
/// The recommendation steps, written once: candidates (<see cref="ICandidateStage{TCall}"/>) → the seen filter →
/// ranking (<see cref="IRankingStage{TCall}"/>), relayed as it is produced and cut at the count; with the two
/// fallbacks, the bundle's most popular unseen items when the candidate stage fails and the rest of the list in
/// retrieval order when ranking does, both marked degraded. The evaluator binds the stages in process
/// (<see cref="TwoStagePipeline"/>), the gateway over gRPC: the lists it measures are the lists the services serve.
/// </summary>
/// <remarks>
/// One answer uses one bundle version: the flow asks for candidates of the call's own version; a stage that does not
/// hold it (a promotion in progress) names the version it serves, and the flow asks the candidate stage again with
/// that one, once per stage.
/// </remarks>
public sealed class RecommendationFlow<TCall>(
    ICandidateStage<TCall> candidates,
    IRankingStage<TCall> ranking,
    string storeFailedReason,
    Action<TCall, FilteredCandidates>? filtered = null,
    Action? storeFailed = null
)
    where TCall : FlowCall
{
    /// <summary>The top <see cref="FlowCall.Count"/> for the call, in the steps above.</summary>
    public async IAsyncEnumerable<Recommendation> RunAsync(
        TCall call,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var version = call.Bundle.Manifest.Version;
        var (candidatesRedirected, rankingRedirected) = (false, false);
        while (true)
        {
            var answer = await candidates.CandidatesAsync(
                call,
                version,
                allowRedirect: !candidatesRedirected,
                cancellationToken
            );
            if (answer.ServedInstead is { } candidatesServe)
            {
                (candidatesRedirected, version) = (true, candidatesServe); // one of them is promoting
                continue;
            }

            if (answer.Candidates is null)
            {
                await foreach (var popular in MostPopularAsync(call, answer.Failure!, cancellationToken))
                {
                    yield return popular;
                }

                yield break;
            }

            var unseen = await FilterAsync(call, answer.Candidates, cancellationToken);
            if (unseen is null)
            {
                // the older history could not be read: the popular items without those of the newest history
                await foreach (var popular in StoreFailedAsync(call, cancellationToken))
                {
                    yield return popular;
                }

                yield break;
            }

            var outcome = new RankingOutcome();
            await foreach (var item in RelayAsync(call, unseen, !rankingRedirected, outcome, cancellationToken))
            {
                yield return item;
            }

            if (outcome.ServedInstead is { } rankingServes)
            {
                // ask for candidates again of the version ranking serves
                (rankingRedirected, version) = (true, rankingServes);
                continue;
            }

            if (outcome.Failure is { } failure)
            {
                foreach (var rest in InRetrievalOrder(call, unseen, outcome.Sent, failure))
                {
                    yield return rest;
                }
            }

            yield break;
        }
    }

    /// <summary>The user's history could not be read: counted, then the most popular items, marked degraded.</summary>
    public IAsyncEnumerable<Recommendation> StoreFailedAsync(TCall call, CancellationToken cancellationToken)
    {
        storeFailed?.Invoke();
        return MostPopularAsync(call, storeFailedReason, cancellationToken);
    }

    /// <summary>
    /// The seen filter over the candidates: those the user has not seen, each once, in retrieval order. The newest
    /// history feeds the sources and the tower and is excluded by them; an older one is asked about the candidates
    /// about to be ranked. Null when it could not be.
    /// </summary>
    private async Task<FilteredCandidates?> FilterAsync(
        TCall call,
        ICandidates retrieved,
        CancellationToken cancellationToken
    )
    {
        var served = call.Served;
        var seen = call.Context.Seen;
        if (call.OlderSeen is { } older)
        {
            var all = await older(retrieved.ItemIds(served), seen, cancellationToken);
            if (all is null)
            {
                return null;
            }

            seen = all;
        }

        var unseen = FilteredCandidates.Of(retrieved, served, seen);
        filtered?.Invoke(call, unseen);
        return unseen;
    }

    /// <summary>
    /// Ranking's order relayed item by item, cut at the count; an item that is not a filtered candidate, or one sent
    /// already, is never relayed. The stage's stream is read to its end.
    /// </summary>
    private async IAsyncEnumerable<Recommendation> RelayAsync(
        TCall call,
        FilteredCandidates unseen,
        bool allowRedirect,
        RankingOutcome outcome,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        if (unseen.Candidates.Count == 0)
        {
            yield break;
        }

        var (served, sent) = (call.Served, outcome.Sent);
        await foreach (var ranked in ranking.RankAsync(call, unseen, allowRedirect, outcome, cancellationToken))
        {
            var item = ranked.Item;
            if (sent.Count >= call.Count || !unseen.Positions.TryGetValue(item, out var position) || !sent.Add(item))
            {
                continue;
            }

            yield return new Recommendation(
                item,
                served.IdOf(item),
                served.TitleOf(item),
                ranked.Score,
                sent.Count,
                unseen.Retrieved.SourcesAt(position),
                false,
                string.Empty,
                unseen.Version
            );
        }
    }

    /// <summary>
    /// The candidate stage's fallback: the bundle's most popular items the user has not seen, marked degraded.
    /// </summary>
    private async IAsyncEnumerable<Recommendation> MostPopularAsync(
        TCall call,
        string reason,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var (bundle, seen) = (call.Bundle, call.Context.Seen);
        var catalog = bundle.Catalog;
        var popular = bundle.Tops!.Global;
        if (call.OlderSeen is { } older)
        {
            var all = await older([.. popular.Items.Select(catalog.IdOf)], seen, cancellationToken);
            if (all is null)
            {
                reason = storeFailedReason; // filtered by the newest history only
            }
            else
            {
                seen = all;
            }
        }

        var rank = 0;
        for (var j = 0; j < popular.Items.Length && rank < call.Count; j++)
        {
            var item = popular.Items[j];
            if (seen.Allows(item))
            {
                yield return new Recommendation(
                    item,
                    catalog.IdOf(item),
                    catalog.TitleOf(item),
                    popular.Scores[j],
                    ++rank,
                    [new SourceHit(SourceKind.Popular, string.Empty, popular.Scores[j])],
                    true,
                    reason,
                    bundle.Manifest.Version
                );
            }
        }
    }

    /// <summary>
    /// Ranking's fallback: the rest of the list (after the <paramref name="sent"/> items ranking did send) from the
    /// filtered candidates in retrieval order, marked degraded, each scored by its first source.
    /// </summary>
    private static IEnumerable<Recommendation> InRetrievalOrder(
        TCall call,
        FilteredCandidates unseen,
        HashSet<int> sent,
        string reason
    )
    {
        var served = call.Served;
        foreach (var item in unseen.Candidates)
        {
            if (sent.Count >= call.Count)
            {
                yield break;
            }

            if (sent.Add(item))
            {
                var sources = unseen.Retrieved.SourcesAt(unseen.Positions[item]);
                yield return new Recommendation(
                    item,
                    served.IdOf(item),
                    served.TitleOf(item),
                    sources.Length > 0 ? sources[0].Score : 0,
                    sent.Count,
                    sources,
                    true,
                    reason,
                    unseen.Version
                );
            }
        }
    }
}
