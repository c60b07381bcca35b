using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.Contracts.Ranking.V2;
using RecServices.Serving.Pipeline;
using static RecServices.Gateway.Services.BackendCalls;
using RankedItem = RecServices.Serving.Ranking.RankedItem;

namespace RecServices.Gateway.Services;

/// <summary>
/// The gateway's client of ranking: asks it to rank the filtered candidates (item indexes when pinned to the gateway's
/// own version), passes its stream on as it arrives, and keeps the backend's health (breaker, failure log, degraded
/// count).
/// </summary>
public sealed class RankingBackend(
    RankingService.RankingServiceClient client,
    IOptions<GatewayOptions> options,
    GatewayMetrics metrics,
    TimeProvider time,
    ILogger<RankingBackend> logger
) : IRankingStage<RecommendCall>
{
    private readonly GatewayOptions _options = options.Value;
    private readonly BackendHealth _health = new(
        logger,
        "Ranking",
        "answering degraded (retrieval order)",
        options.Value,
        time
    );

    /// <summary>
    /// Ranking's order of the candidates, item by item as it streams (the flow cuts it at the count and drops
    /// what it did not ask for); how the stream ended goes to <paramref name="outcome"/>. The stream is read to its end (the ranker sends top_count items and
    /// ends), so that the call ends cleanly instead of being cancelled once the list is full.
    /// </summary>
    async IAsyncEnumerable<RankedItem> IRankingStage<RecommendCall>.RankAsync(
        RecommendCall call,
        FilteredCandidates filtered,
        bool allowRedirect,
        RankingOutcome outcome,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        if (!_health.Allow())
        {
            metrics.RecordDegraded("ranking", SkippedStatus);
            outcome.Failure = "ranking skipped after repeated failures: retrieval order";
            yield break;
        }

        var (served, version, user) = (call.Served, filtered.Version, call.User);
        var request = BackendRequests.Rank(
            call.State.Bundle,
            served,
            call.History,
            CollectionsMarshal.AsSpan(filtered.Candidates),
            user?.Age,
            user?.Gender,
            call.Count,
            version,
            _options.FreshSlots
        );
        var deadline = call.Deadline(_options.RankingTimeoutMs, time);
        using var stream = client.RankCandidates(request, deadline: deadline, cancellationToken: cancellationToken);
        var reader = stream.ResponseStream;
        while (await NextAsync(reader, call, version, allowRedirect, outcome, deadline, cancellationToken))
        {
            if (reader.Current.ResultCase != RankCandidatesResponse.ResultOneofCase.Item)
            {
                continue; // the unknown-ids report: never relayed
            }

            var ranked = reader.Current.Item;
            var item = ranked.RefCase switch
            {
                Contracts.Ranking.V2.RankedItem.RefOneofCase.ItemIndex => ranked.ItemIndex,
                Contracts.Ranking.V2.RankedItem.RefOneofCase.ItemId => served.TryIndex(ranked.ItemId, out var found)
                    ? found
                    : -1,
                _ => -1,
            };
            yield return new RankedItem(item, ranked.Score);
        }
    }

    /// <summary>
    /// Moves to ranking's next item: false at the end of the stream (a success) or when it failed, the failure
    /// (a redirect to the version ranking serves, or a reason to answer degraded) written to
    /// <paramref name="outcome"/>.
    /// </summary>
    private async Task<bool> NextAsync(
        IAsyncStreamReader<RankCandidatesResponse> reader,
        RecommendCall call,
        string version,
        bool allowRedirect,
        RankingOutcome outcome,
        DateTime deadline,
        CancellationToken cancellationToken
    )
    {
        var sent = outcome.Sent;
        try
        {
            if (await reader.MoveNext(cancellationToken))
            {
                return true;
            }

            _health.Succeeded();
            return false;
        }
        catch (RpcException e)
            when (allowRedirect && sent.Count == 0 && ServedInstead(e, version, cancellationToken) is { } served)
        {
            outcome.ServedInstead = served; // a promotion in progress
            return false;
        }
        catch (RpcException e) when (DependencyFailed(e, deadline, call.CallerDeadline, time, cancellationToken))
        {
            if (sent.Count < call.Count) // once the list is complete a failure changes nothing for the caller
            {
                _health.Failed(e.StatusCode);
                metrics.RecordDegraded("ranking", e.StatusCode);
                outcome.Failure = $"ranking unavailable ({e.StatusCode}): retrieval order";
            }

            return false;
        }
    }
}
