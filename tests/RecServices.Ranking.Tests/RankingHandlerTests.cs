using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RecServices.BundleServing;
using RecServices.Contracts.Ranking.V2;
using RecServices.Core.Bundles;
using RecServices.Ranking.Services;
using RecServices.Serving.Ranking;
using RecServices.Serving.Wire;
using RankedItem = RecServices.Serving.Ranking.RankedItem;

namespace RecServices.Ranking.Tests;

/// <summary>
/// RankingService v2's RankCandidates handler, called directly over the test bundle: the order it streams and how it
/// refuses.
/// </summary>
public sealed class RankingHandlerTests : IDisposable
{
    private static readonly Lazy<Bundle> Served = new(() => Bundle.Load(TestBundle.Path, BundleParts.Core));
    private readonly ServiceProvider _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Ranker _ranker = new(Served.Value);

    private static Bundle Bundle => Served.Value;

    [Fact]
    public async Task RankCandidates_StreamsTheTopInScoreOrder_AsABruteForceSortOfV_uDotV_m_ThenTheUnknownIds()
    {
        var catalog = Bundle.Catalog;
        var history = new[] { 1, 2, 3, 40 };
        var candidates = Enumerable.Range(50, 120).ToArray();
        var request = new RankCandidatesRequest
        {
            TopCount = 10,
            Age = 30,
            Gender = "F",
            History = ItemReferences.OfIds(history.Select(catalog.IdOf)),
            // 60 sent twice: ranked once
            Candidates = ItemReferences.OfIds([.. candidates.Select(catalog.IdOf), catalog.IdOf(60), "no-such-item"]),
        };
        var stream = new TestServerStreamWriter<RankCandidatesResponse>();

        await Service().RankCandidates(request, stream, new TestServerCallContext());

        // Brute force: V_u from the tower, then each candidate's V_u · V_m summed term by term, sorted: the handler's
        // top 10 is that sort's head.
        var user = new float[_ranker.Tower.OutputWidth];
        _ranker.UserVector(new UserProfile(history, 30, "F"), user);
        var bruteForce = candidates
            .Select(item => new RankedItem(item, Dot(user, Bundle.Vectors!.Row(item))))
            .OrderByDescending(r => r.Score)
            .Take(10)
            .ToList();
        var ranked = stream.Written.Where(r => r.Item is not null).Select(r => r.Item).ToList();
        Assert.Equal(bruteForce.Select(r => catalog.IdOf(r.Item)), ranked.Select(r => r.ItemId));
        Assert.All(ranked, r => Assert.Equal(Contracts.Ranking.V2.RankedItem.RefOneofCase.ItemId, r.RefCase));
        Assert.Equal(Enumerable.Range(1, 10), ranked.Select(r => r.Rank));
        Assert.All(ranked.Zip(bruteForce), p => Assert.Equal(p.Second.Score, p.First.Score, 4));
        Assert.True(ranked.Zip(ranked.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        Assert.Equal(11, stream.Written.Count);
        Assert.Equal(["no-such-item"], stream.Written[^1].UnknownItems.ItemIds);
        Assert.Equal(WriteFlags.BufferHint, stream.WriteOptions?.Flags); // one flush at the end, not one per item
    }

    [Fact]
    public async Task RankCandidates_CandidatesTheLiveCatalogHides_AreNotRanked()
    {
        var catalog = Bundle.Catalog;
        var live = new LiveCatalog();
        live.Apply(
            new Users.CatalogChanges(
                2,
                [new(catalog.IdOf(11), Available: false, Deleted: false), new(catalog.IdOf(12), true, Deleted: true)]
            )
        );
        var request = new RankCandidatesRequest
        {
            Candidates = ItemReferences.OfIds(Enumerable.Range(10, 5).Select(catalog.IdOf)),
        };
        var stream = new TestServerStreamWriter<RankCandidatesResponse>();

        await Service(live).RankCandidates(request, stream, new TestServerCallContext());

        Assert.Equal(
            [catalog.IdOf(10), catalog.IdOf(13), catalog.IdOf(14)],
            stream.Written.Select(r => r.Item.ItemId).Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public async Task RankCandidates_AnAddedItem_IsRankedOnItsOwnVector_AndFreshSlotsKeepItsPlace()
    {
        var catalog = Bundle.Catalog;
        var live = new LiveCatalog();
        var metadata = new Users.CatalogItemMetadata(
            "Added",
            [catalog.Categories[0]],
            2026,
            new Dictionary<string, string>(),
            null,
            null
        );
        live.Apply(new Users.CatalogChanges(1, [new("added", true, false, metadata, Ordinal: 0)]));
        var candidates = Enumerable.Range(10, 20).Select(catalog.IdOf).Append("added").ToArray();
        RankCandidatesRequest Request(int top, int slots) =>
            new()
            {
                Candidates = ItemReferences.OfIds(candidates),
                TopCount = top,
                FreshSlots = slots,
            };
        var (all, reserved) = (
            new TestServerStreamWriter<RankCandidatesResponse>(),
            new TestServerStreamWriter<RankCandidatesResponse>()
        );
        var service = Service(live);

        await service.RankCandidates(Request(0, 0), all, new TestServerCallContext());
        await service.RankCandidates(Request(3, 1), reserved, new TestServerCallContext());

        var everything = all.Written.Select(r => r.Item).ToList();
        Assert.Equal(21, everything.Count); // the added item is ranked, not reported unknown
        Assert.True(float.IsFinite(everything.Single(i => i.ItemId == "added").Score));
        var three = reserved.Written.Select(r => r.Item.ItemId).ToList();
        Assert.Equal(3, three.Count);
        Assert.Contains("added", three);
        // the others are the best of the rest, in order
        var best = everything.Where(i => i.ItemId != "added").Take(three.Count(id => id != "added"));
        Assert.Equal(best.Select(i => i.ItemId), three.Where(id => id != "added"));
    }

    [Fact]
    public async Task RankCandidates_ByIndex_AnswersTheSameOrderAsIndexes()
    {
        var catalog = Bundle.Catalog;
        var version = Bundle.Manifest.Version;
        var candidates = Enumerable.Range(10, 50).ToArray();
        var byId = new RankCandidatesRequest
        {
            History = ItemReferences.OfIds([catalog.IdOf(1), catalog.IdOf(2)]),
            Candidates = ItemReferences.OfIds(candidates.Select(catalog.IdOf)),
        };
        var byIndex = new RankCandidatesRequest
        {
            BundleVersion = version,
            History = ItemReferences.OfIndexes(version, [1, 2]),
            Candidates = ItemReferences.OfIndexes(version, candidates),
        };
        var (ids, indexes) = (
            new TestServerStreamWriter<RankCandidatesResponse>(),
            new TestServerStreamWriter<RankCandidatesResponse>()
        );

        await Service().RankCandidates(byId, ids, new TestServerCallContext());
        await Service().RankCandidates(byIndex, indexes, new TestServerCallContext());

        Assert.Equal(candidates.Length, indexes.Written.Count);
        Assert.All(
            indexes.Written,
            r => Assert.Equal(Contracts.Ranking.V2.RankedItem.RefOneofCase.ItemIndex, r.Item.RefCase)
        );
        Assert.Equal(
            ids.Written.Select(r => r.Item.ItemId),
            indexes.Written.Select(r => catalog.IdOf(r.Item.ItemIndex))
        );
        Assert.Equal(ids.Written.Select(r => r.Item.Score), indexes.Written.Select(r => r.Item.Score));
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
        var version = Bundle.Manifest.Version;
        var request = new RankCandidatesRequest
        {
            TopCount = top,
            BundleVersion = version,
            Candidates = ItemReferences.OfIndexes(version, Enumerable.Range(0, candidates)),
        };

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
    public async Task RankCandidates_DeadlinePassedBeforeItIsServed_IsDeadlineExceeded_AndNothingIsStreamed()
    {
        var request = new RankCandidatesRequest
        {
            TopCount = 5,
            Candidates = ItemReferences.OfIds(Enumerable.Range(0, 20).Select(Bundle.Catalog.IdOf)),
        };
        var stream = new TestServerStreamWriter<RankCandidatesResponse>();

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Service()
                .RankCandidates(request, stream, new TestServerCallContext(deadline: DateTime.UtcNow.AddSeconds(-1)))
        );

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.Empty(stream.Written);
    }

    [Fact]
    public async Task RankCandidates_IndexesOfAnotherVersion_IsInvalidArgumentNamingTheField_AndNothingIsStreamed()
    {
        var request = new RankCandidatesRequest { Candidates = ItemReferences.OfIndexes("v-other", [1]) };
        var stream = new TestServerStreamWriter<RankCandidatesResponse>();

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Service().RankCandidates(request, stream, new TestServerCallContext())
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(
            "set the request's bundle_version to the indexes' version",
            e.Status.Detail,
            StringComparison.Ordinal
        );
        var violation = Assert.Single(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations);
        Assert.Equal("candidates.indexes.bundle_version", violation.Field);
        Assert.Empty(stream.Written);
    }

    private static float Dot(float[] user, ReadOnlySpan<float> item)
    {
        var sum = 0.0;
        for (var k = 0; k < user.Length; k++)
        {
            sum += (double)user[k] * item[k];
        }

        return (float)sum;
    }

    public void Dispose()
    {
        _ranker.Dispose();
        _provider.Dispose();
    }

    private RankingGrpcService Service(LiveCatalog? live = null)
    {
        var readiness = new Readiness<RankingState>();
        readiness.Swap(new RankingState(Bundle, _ranker)); // disposed with the test class
        return new RankingGrpcService(
            readiness,
            live ?? new LiveCatalog(),
            new RankingMetrics(_provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            TimeProvider.System
        );
    }
}
