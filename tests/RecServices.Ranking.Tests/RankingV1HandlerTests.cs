using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RecServices.BundleServing;
using RecServices.Contracts.Ranking.V1;
using RecServices.Core.Bundles;
using RecServices.Ranking.Services;
using RecServices.Serving.Ranking;
using RecServices.Serving.Wire;
using V2 = RecServices.Contracts.Ranking.V2;

namespace RecServices.Ranking.Tests;

/// <summary>
/// RankingService v1, still served beside v2 for callers built before it: the order v2 ranks in v1's messages (id and
/// index in each, the unknown ids in a last message with an empty id), and refusals naming v1's fields.
/// </summary>
public sealed class RankingV1HandlerTests : IDisposable
{
    private static readonly Lazy<Bundle> Served = new(() => Bundle.Load(TestBundle.Path, BundleParts.Core));
    private readonly ServiceProvider _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Ranker _ranker = new(Served.Value);

    private static Bundle Bundle => Served.Value;

    [Fact]
    public async Task RankCandidates_StreamsV2sOrder_WithIdAndIndexInEachMessage_ThenTheUnknownIds()
    {
        var catalog = Bundle.Catalog;
        var history = new[] { 1, 2, 3, 40 };
        var candidates = Enumerable.Range(50, 120).ToArray();
        var request = new RankCandidatesRequest
        {
            TopCount = 10,
            Age = 30,
            Gender = "F",
        };
        request.HistoryItemIds.AddRange(history.Select(catalog.IdOf));
        request.CandidateItemIds.AddRange(candidates.Select(catalog.IdOf));
        request.CandidateItemIds.Add("no-such-item");
        var current = new V2.RankCandidatesRequest
        {
            TopCount = 10,
            Age = 30,
            Gender = "F",
            History = ItemReferences.OfIds(request.HistoryItemIds),
            Candidates = ItemReferences.OfIds(request.CandidateItemIds),
        };
        var (v1, v2) = (
            new TestServerStreamWriter<RankCandidatesResponse>(),
            new TestServerStreamWriter<V2.RankCandidatesResponse>()
        );

        await Service().RankCandidates(request, v1, new TestServerCallContext());
        await Current().RankCandidates(current, v2, new TestServerCallContext());

        var ranked = v1.Written.Where(r => r.ItemId.Length > 0).ToList();
        var expected = v2.Written.Where(r => r.Item is not null).Select(r => r.Item).ToList();
        Assert.Equal(10, ranked.Count);
        Assert.Equal(
            expected.Select(r => (r.ItemId, r.Score, r.Rank)),
            ranked.Select(r => (r.ItemId, r.Score, r.Rank))
        );
        Assert.Equal(ranked.Select(r => r.ItemId), ranked.Select(r => catalog.IdOf(r.ItemIndex)));
        Assert.Equal(["no-such-item"], v1.Written[^1].UnknownItemIds);
        Assert.Empty(v1.Written[^1].ItemId);
    }

    [Theory]
    [InlineData(0, 5, "send 1 to 10000 candidates")]
    [InlineData(3, -1, "top_count")]
    public async Task RankCandidates_BadCounts_AreInvalidArgumentSayingWhatToSend(
        int candidates,
        int top,
        string message
    )
    {
        var request = new RankCandidatesRequest { TopCount = top };
        request.CandidateItemIndexes.AddRange(Enumerable.Range(0, candidates));
        request.BundleVersion = Bundle.Manifest.Version;

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Service()
                .RankCandidates(
                    request,
                    new TestServerStreamWriter<RankCandidatesResponse>(),
                    new TestServerCallContext()
                )
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RankCandidates_IndexesWithoutTheVersion_IsInvalidArgument_AndNothingIsStreamed()
    {
        var request = new RankCandidatesRequest();
        request.CandidateItemIndexes.Add(1);
        var stream = new TestServerStreamWriter<RankCandidatesResponse>();

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Service().RankCandidates(request, stream, new TestServerCallContext())
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("candidate_item_indexes needs bundle_version", e.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(stream.Written);
    }

    public void Dispose()
    {
        _ranker.Dispose();
        _provider.Dispose();
    }

    private RankingV1GrpcService Service() => new(Readiness(), Current());

    private RankingGrpcService Current() =>
        new(
            Readiness(),
            new LiveCatalog(),
            new RankingMetrics(_provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            TimeProvider.System
        );

    private Readiness<RankingState> Readiness()
    {
        var readiness = new Readiness<RankingState>();
        readiness.Swap(new RankingState(Bundle, _ranker)); // disposed with the test class
        return readiness;
    }
}
