using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RecServices.BundleServing;
using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Ranking.V2;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Core.Bundles;
using RecServices.Gateway.Auth;
using RecServices.Gateway.Services;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;
using RecServices.Users;

namespace RecServices.Gateway.Tests;

/// <summary>
/// GatewayService's handlers called directly (a test ServerCallContext) over the test bundle and a real SQLite user
/// store: what RecordInteraction writes and answers, how both RPCs refuse bad calls before any backend is asked
/// (the backend channels point nowhere), and Recommend with its stages bound in process (the test double).
/// </summary>
public sealed class GatewayHandlerTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private readonly ServiceProvider _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly GatewayChannels _channels = new();
    private SqliteUserStore _store = null!;
    private Bundle _bundle = null!;
    private readonly IOptions<GatewayOptions> _options = Options.Create(
        new GatewayOptions { BundlePath = TestBundle.Path, MaxCount = 50 }
    );
    private readonly Readiness<GatewayState> _readiness = new();
    private GatewayMetrics _metrics = null!;
    private GatewayGrpcService _service = null!;

    public async Task InitializeAsync()
    {
        _bundle = Bundle.LoadServed(TestBundle.Path);
        _store = new SqliteUserStore(Path.Combine(_directory.Path, "users.db"));
        await _store.InitializeAsync(UserStoreSeed.From(_bundle), CancellationToken.None);
        _readiness.Swap(
            new GatewayState(_bundle, new UserContextFactory(_bundle.Catalog, RetrievalOptions.Default), _store)
        );
        _metrics = new GatewayMetrics(_provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        _service = Service(
            new RetrievalBackend(_channels.Retrieval, _options, _metrics, _time, NullLogger<RetrievalBackend>.Instance),
            new RankingBackend(_channels.Ranking, _options, _metrics, _time, NullLogger<RankingBackend>.Instance)
        );
    }

    /// <summary>The gateway's handlers over this store, with its two stages bound as given.</summary>
    private GatewayGrpcService Service(
        ICandidateStage<RecommendCall> candidates,
        IRankingStage<RecommendCall> ranking,
        LiveCatalog? live = null
    )
    {
        var storeHealth = new UserStoreHealth(NullLogger<UserStoreHealth>.Instance, _options, _time);
        var pipeline = new RecommendationPipeline(
            _readiness,
            live ?? new LiveCatalog(),
            storeHealth,
            candidates,
            ranking,
            _options,
            _metrics
        );
        return new GatewayGrpcService(
            pipeline,
            storeHealth,
            new Admission(_options, NullLogger<Admission>.Instance, _time),
            new WriteRateLimit(_options, _metrics),
            new CallerAccess(_options),
            _options,
            _time
        );
    }

    [Fact]
    public async Task Recommend_WithTheStagesInProcess_AnswersTheEvaluatorsListWithItsSources()
    {
        using var ranker = new Ranker(_bundle);
        var service = Service(
            new InProcessCandidates(new CandidateGenerator(_bundle, RetrievalOptions.Default, ranker.Tower)),
            new InProcessRanking(ranker)
        );
        var stream = new TestServerStreamWriter<RecommendResponse>();

        await service.Recommend(
            new RecommendRequest { UserId = "u3", Count = 10 },
            stream,
            new TestServerCallContext()
        );

        // the evaluator's list for the same user, through the same flow and stages
        var stored = (await _store.FindAsync("u3", _options.Value.HistoryLimit, CancellationToken.None))!;
        var history = new List<int>();
        _bundle.Catalog.Resolve(stored.History, history);
        var (_, top) = TwoStagePipeline
            .Create(_bundle, ranker, RetrievalOptions.Default, _options.Value.HistoryLimit)
            .Recommend(
                new UserProfile([.. history], stored.Age, stored.Gender),
                stored.Country,
                10,
                _options.Value.CandidateCount
            );
        Assert.Equal(10, stream.Written.Count);
        Assert.Equal(top.Select(r => _bundle.Catalog.IdOf(r.Item)), stream.Written.Select(r => r.ItemId));
        Assert.All(stream.Written, r => Assert.False(r.Degraded));
        Assert.All(stream.Written, r => Assert.NotEmpty(r.Sources));
    }

    [Fact]
    public async Task Recommend_ItemsTheLiveCatalogHides_AreLeftOutOfTheRankedAndTheDegradedList()
    {
        using var ranker = new Ranker(_bundle);
        var live = new LiveCatalog();
        var watcher = new CatalogWatcher(
            _store,
            live,
            TimeSpan.FromMilliseconds(200),
            _time,
            NullLogger<CatalogWatcher>.Instance
        );
        var full = Service(
            new InProcessCandidates(new CandidateGenerator(_bundle, RetrievalOptions.Default, ranker.Tower)),
            new InProcessRanking(ranker),
            live
        );
        var degraded = Service( // retrieval on a channel to nowhere: the most popular items
            new RetrievalBackend(_channels.Retrieval, _options, _metrics, _time, NullLogger<RetrievalBackend>.Instance),
            new RankingBackend(_channels.Ranking, _options, _metrics, _time, NullLogger<RankingBackend>.Instance),
            live
        );
        var (ranked, popular) = (await ListAsync(full), await ListAsync(degraded));
        string[] hide = [ranked[0].ItemId, ranked[3].ItemId, popular[0].ItemId];

        var version = await _store.SetAvailabilityAsync(hide, available: false, CancellationToken.None);
        await watcher.PollOnceAsync(CancellationToken.None);
        var (rankedHidden, popularHidden) = (await ListAsync(full), await ListAsync(degraded));
        await _store.SetAvailabilityAsync(hide, available: true, CancellationToken.None);
        await watcher.PollOnceAsync(CancellationToken.None);
        var rankedShown = await ListAsync(full);

        Assert.All(popular, item => Assert.True(item.Degraded));
        Assert.Equal(version, live.Current.Version - 1);
        Assert.Equal((10, 10), (rankedHidden.Count, popularHidden.Count)); // never short while items remain
        Assert.DoesNotContain(rankedHidden, item => hide.Contains(item.ItemId));
        Assert.DoesNotContain(popularHidden, item => hide.Contains(item.ItemId));
        Assert.Equal(ranked.Select(i => i.ItemId), rankedShown.Select(i => i.ItemId)); // shown again: as before
    }

    private static async Task<List<RecommendResponse>> ListAsync(GatewayGrpcService service)
    {
        var stream = new TestServerStreamWriter<RecommendResponse>();
        await service.Recommend(
            new RecommendRequest { UserId = "u3", Count = 10 },
            stream,
            new TestServerCallContext()
        );
        return [.. stream.Written];
    }

    [Fact]
    public async Task RecordInteraction_WritesTheStore_AndARetryWithTheSameEventIdRecordsOnce()
    {
        var item = _bundle.Catalog.Items[^1].Id;
        var before = (await _store.FindAsync("u1", 500, CancellationToken.None))!.ItemCount;
        var request = new RecordInteractionRequest
        {
            UserId = "u1",
            ItemId = item,
            Kind = InteractionKind.Watched,
            EventId = "e-1",
        };

        var first = await _service.RecordInteraction(request, new TestServerCallContext());
        var retry = await _service.RecordInteraction(request, new TestServerCallContext());

        var user = await _store.FindAsync("u1", 500, CancellationToken.None);
        Assert.Equal(item, user!.History[^1]); // the newest item
        Assert.Equal(user.ItemCount, first.HistoryCount);
        Assert.InRange(first.HistoryCount, before, before + 1); // +1 unless u1 had the item already
        Assert.Equal(first.HistoryCount, retry.HistoryCount);
        Assert.Equal("e-1", retry.EventId);
    }

    [Fact]
    public async Task RecordInteraction_AnEventIdReusedForAnotherInteraction_IsAlreadyExistsSayingToUseANewOne()
    {
        var items = _bundle.Catalog.Items;
        await _service.RecordInteraction(
            new RecordInteractionRequest
            {
                UserId = "u2",
                ItemId = items[0].Id,
                Kind = InteractionKind.Watched,
                EventId = "e-2",
            },
            new TestServerCallContext()
        );

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            _service.RecordInteraction(
                new RecordInteractionRequest
                {
                    UserId = "u2",
                    ItemId = items[1].Id,
                    Kind = InteractionKind.Watched,
                    EventId = "e-2",
                },
                new TestServerCallContext()
            )
        );

        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.Contains("use a new event_id", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordInteraction_UnknownItem_IsNotFoundNamingTheBundle_AndNothingIsWritten()
    {
        var before = await _store.FindAsync("u3", 500, CancellationToken.None);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            _service.RecordInteraction(
                new RecordInteractionRequest
                {
                    UserId = "u3",
                    ItemId = "no-such-item",
                    Kind = InteractionKind.Purchased,
                },
                new TestServerCallContext()
            )
        );

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains(_bundle.Manifest.Version, e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before!.History, (await _store.FindAsync("u3", 500, CancellationToken.None))!.History);
    }

    [Theory]
    [InlineData(6, "more than 5 minutes after the server's clock")]
    [InlineData(-1, null)]
    public async Task RecordInteraction_OccurredAt_UpToFiveMinutesAheadOfTheServersClock(
        int minutesAhead,
        string? refusal
    )
    {
        var request = new RecordInteractionRequest
        {
            UserId = "u4",
            ItemId = _bundle.Catalog.Items[5].Id,
            Kind = InteractionKind.Rated,
            Rating = 4.5f,
            OccurredAt = Timestamp.FromDateTimeOffset(Now.AddMinutes(minutesAhead)),
        };

        if (refusal is null)
        {
            Assert.True((await _service.RecordInteraction(request, new TestServerCallContext())).HistoryCount > 0);
            return;
        }

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            _service.RecordInteraction(request, new TestServerCallContext())
        );
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(refusal, e.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 5, "user_id")]
    [InlineData("u1", -1, "count")]
    [InlineData("u1", 51, "count")]
    public async Task Recommend_BadRequest_IsInvalidArgumentNamingTheField_BeforeAnyBackendIsCalled(
        string user,
        int count,
        string field
    )
    {
        var stream = new TestServerStreamWriter<RecommendResponse>();

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            _service.Recommend(
                new RecommendRequest { UserId = user, Count = count },
                stream,
                new TestServerCallContext()
            )
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(field, e.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(stream.Written);
        Assert.Equal(0, _channels.Calls);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync(); // xunit calls Dispose after it

    public void Dispose()
    {
        _channels.Dispose();
        _provider.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    /// <summary>Backend clients over a channel to nowhere that counts the calls made on it.</summary>
    private sealed class GatewayChannels : IDisposable
    {
        private readonly GrpcChannel _channel;
        private int _calls;

        public GatewayChannels()
        {
            _channel = GrpcChannel.ForAddress("http://127.0.0.1:9");
            var invoker = _channel.Intercept(metadata =>
            {
                Interlocked.Increment(ref _calls);
                return metadata;
            });
            Retrieval = new RetrievalService.RetrievalServiceClient(invoker);
            Ranking = new RankingService.RankingServiceClient(invoker);
        }

        public RetrievalService.RetrievalServiceClient Retrieval { get; }

        public RankingService.RankingServiceClient Ranking { get; }

        public int Calls => Volatile.Read(ref _calls);

        public void Dispose() => _channel.Dispose();
    }
}
