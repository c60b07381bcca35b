using System.Buffers;
using System.Runtime.InteropServices;
using Grpc.Core;
using RecServices.BundleServing;
using RecServices.Contracts.Common.V1;
using RecServices.Contracts.Ranking.V2;
using RecServices.GrpcHardening;
using RecServices.Serving.Retrieval;
using RecServices.Serving.Wire;
using RankedItem = RecServices.Serving.Ranking.RankedItem;

namespace RecServices.Ranking.Services;

/// <summary>
/// The RankingService RPCs (<c>recservices.ranking.v2</c>): validate, map the item references to the bundle's item
/// indices, rank once, stream the result best first in the form the candidates came in.
/// <see cref="RankingV1GrpcService"/> serves v1 through <see cref="Rank"/>.
/// </summary>
public sealed class RankingGrpcService(
    Readiness<RankingState> readiness,
    LiveCatalog live,
    RankingMetrics metrics,
    TimeProvider time
) : RankingService.RankingServiceBase
{
    /// <summary>The most candidates one request may carry.</summary>
    public const int MaxCandidates = 10_000;

    public override async Task RankCandidates(
        RankCandidatesRequest request,
        IServerStreamWriter<RankCandidatesResponse> responseStream,
        ServerCallContext context
    )
    {
        var byIndex = request.Candidates?.RefsCase == ItemRefs.RefsOneofCase.Indexes;
        using var ranked = Rank(request, context);
        var served = ranked.Served;
        // The whole list is ready: the messages are buffered and the end of the call flushes them together.
        responseStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
        for (var i = 0; i < ranked.Count; i++)
        {
            var (item, score) = ranked.Items[i];
            var message = new Contracts.Ranking.V2.RankedItem { Score = score, Rank = i + 1 };
            if (byIndex)
            {
                message.ItemIndex = item;
            }
            else
            {
                message.ItemId = served.IdOf(item);
            }

            await responseStream.WriteAsync(new RankCandidatesResponse { Item = message }, context.CancellationToken);
        }

        if (ranked.Ask.Unknown.Count > 0)
        {
            var report = new UnknownItems { ItemIds = { ranked.Ask.Unknown } };
            await responseStream.WriteAsync(
                new RankCandidatesResponse { UnknownItems = report },
                context.CancellationToken
            );
        }
    }

    /// <summary>
    /// <paramref name="request"/> checked and ranked once: the top of its candidates, best first, in an array rented
    /// until the result is disposed. Legacy v1 callers come through here.
    /// </summary>
    internal Ranking Rank(RankCandidatesRequest request, ServerCallContext context)
    {
        var state = Checked(request);
        RequestChecks.StillWanted(context, time);
        var served = live.Current.For(state.Bundle, state.Embedder);
        var ask = RankAsk.From(request, served);
        var ranked = ArrayPool<RankedItem>.Shared.Rent(Math.Max(1, ask.Top));
        var n = state.Ranker.Rank(
            ask.Profile,
            CollectionsMarshal.AsSpan(ask.Candidates),
            ranked.AsSpan(0, ask.Top),
            out var timings,
            served.Fresh,
            request.FreshSlots
        );
        metrics.Record(timings);
        return new Ranking(state, served, ask, ranked, n);
    }

    /// <summary>The request's fields checked, each failure naming its field; the state pinned to its version.</summary>
    private RankingState Checked(RankCandidatesRequest request)
    {
        RequestChecks.Text(request.BundleVersion, "bundle_version", RequestChecks.MaxIdLength);
        var state = readiness.Pinned(request.BundleVersion);
        var (version, items) = (state.Bundle.Manifest.Version, state.Bundle.Catalog.Count);
        if (
            (
                request.History.Problem("history", version, items)
                ?? request.Candidates.Problem("candidates", version, items)
            )
            is var (field, message)
        )
        {
            throw RequestChecks.Invalid(field, message);
        }

        var asked = request.Candidates?.Count ?? 0;
        if (asked is 0 or > MaxCandidates)
        {
            throw RequestChecks.Invalid(
                "candidates",
                $"send 1 to {MaxCandidates} candidates, as candidates.ids or candidates.indexes; got {asked}"
            );
        }

        RequestChecks.Count(request.TopCount, MaxCandidates, "top_count", "0 means all candidates");
        RequestChecks.Count(request.FreshSlots, MaxCandidates, "fresh_slots", "0 reserves none");
        RequestChecks.Profile(request.Age, request.Gender);
        return state;
    }

    /// <summary>
    /// One request's ranking: the state that ranked it, the checked request, and the top <see cref="Count"/> items of
    /// <see cref="Items"/> (rented; disposing returns them).
    /// </summary>
    internal sealed class Ranking(RankingState state, ServedItems served, RankAsk ask, RankedItem[] items, int count)
        : IDisposable
    {
        public RankingState State => state;

        /// <summary>The items the request was ranked among (one live-catalog version).</summary>
        public ServedItems Served => served;

        public RankAsk Ask => ask;

        public RankedItem[] Items => items;

        public int Count => count;

        public void Dispose() => ArrayPool<RankedItem>.Shared.Return(items);
    }
}
