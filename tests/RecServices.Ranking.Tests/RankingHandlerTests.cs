using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RecServices.BundleServing;
using RecServices.Contracts.Ranking.V1;
using RecServices.Core.Bundles;
using RecServices.Ranking.Services;
using RecServices.Serving.Ranking;

namespace RecServices.Ranking.Tests;

/// <summary>
/// RankingService's RankCandidates handler, called directly over the test bundle: the order it streams and how it
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
        };
        request.HistoryItemIds.AddRange(history.Select(catalog.IdOf));
        request.CandidateItemIds.AddRange(candidates.Select(catalog.IdOf));
        request.CandidateItemIds.Add(catalog.IdOf(60)); // sent twice: ranked once
        request.CandidateItemIds.Add("no-such-item");
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
        var ranked = stream.Written.Where(r => r.ItemId.Length > 0).ToList();
        Assert.Equal(bruteForce.Select(r => catalog.IdOf(r.Item)), ranked.Select(r => r.ItemId));
        Assert.Equal(Enumerable.Range(1, 10), ranked.Select(r => r.Rank));
        Assert.Equal(bruteForce.Select(r => r.Item), ranked.Select(r => r.ItemIndex));
        Assert.All(ranked.Zip(bruteForce), p => Assert.Equal(p.Second.Score, p.First.Score, 4));
        Assert.True(ranked.Zip(ranked.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        Assert.Equal(["no-such-item"], stream.Written[^1].UnknownItemIds);
        Assert.Equal(WriteFlags.BufferHint, stream.WriteOptions?.Flags); // one flush at the end, not one per item
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
    public async Task RankCandidates_DeadlinePassedBeforeItIsServed_IsDeadlineExceeded_AndNothingIsStreamed()
    {
        var request = new RankCandidatesRequest { TopCount = 5 };
        request.CandidateItemIds.AddRange(Enumerable.Range(0, 20).Select(Bundle.Catalog.IdOf));
        var stream = new TestServerStreamWriter<RankCandidatesResponse>();

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Service()
                .RankCandidates(request, stream, new TestServerCallContext(deadline: DateTime.UtcNow.AddSeconds(-1)))
        );

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.Empty(stream.Written);
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
        Assert.Contains("bundle_version", e.Status.Detail, StringComparison.Ordinal);
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

    private RankingGrpcService Service()
    {
        var readiness = new Readiness<RankingState>();
        readiness.Swap(new RankingState(Bundle, _ranker)); // disposed with the test class
        return new RankingGrpcService(
            readiness,
            new RankingMetrics(_provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            TimeProvider.System
        );
    }
}
