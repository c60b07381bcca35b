using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Retrieval.V2;
using RecServices.Core.Bundles;
using RecServices.Serving.Inference;
using RecServices.Serving.Retrieval;
using RecServices.Serving.Wire;

namespace RecServices.FunctionalTests;

/// <summary>
/// Recommend through the three real hosts: never a seen item, the ranker's order, every candidate source, a recorded
/// interaction taking effect, unknown users and bad input.
/// </summary>
public sealed class RecommendTests(InMemorySystemFixture fixture) : IClassFixture<InMemorySystemFixture>
{
    private static readonly Lazy<Bundle> Loaded = new(() => Bundle.Load(TestBundle.Path));

    private static Bundle Bundle => Loaded.Value;

    [Fact]
    public async Task InMemory_EveryHostOnTestServer_AndTheGatewayCallsBothBackendsThroughThem()
    {
        foreach (var app in new[] { fixture.System.Retrieval!, fixture.System.Ranking!, fixture.System.Gateway! })
        {
            Assert.IsType<Microsoft.AspNetCore.TestHost.TestServer>(
                app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            );
        }

        // ranked (not the popular fallback, not retrieval order): both backends answered through their test servers
        var items = await fixture.System.RecommendAsync(Bundle.Users![0].Id, 5);
        Assert.Equal(5, items.Count);
        Assert.All(items, i => Assert.False(i.Degraded, i.DegradedReason));
    }

    [Fact]
    public async Task Recommend_ExcludeItemIds_LeavesThemOut_StillAFullList()
    {
        var user = Bundle.Users![9].Id;
        var before = await fixture.System.RecommendAsync(user, 10);
        var excluded = before.Take(5).Select(i => i.ItemId).Append("not-in-the-catalog").ToList();

        var after = await ReadAsync(
            new RecommendRequest
            {
                UserId = user,
                Count = 10,
                ExcludeItemIds = { excluded },
            }
        );
        var tooMany = await Assert.ThrowsAsync<RpcException>(() =>
            ReadAsync(
                new RecommendRequest
                {
                    UserId = user,
                    ExcludeItemIds = { Enumerable.Range(0, 1_001).Select(i => $"i{i}") },
                }
            )
        );

        Assert.Equal(10, after.Count);
        Assert.DoesNotContain(after, i => excluded.Contains(i.ItemId));
        Assert.All(after, i => Assert.False(i.Degraded));
        Assert.Equal(StatusCode.InvalidArgument, tooMany.StatusCode);
        Assert.Equal(
            "exclude_item_ids",
            Assert.Single(tooMany.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field
        );
    }

    private async Task<List<RecommendResponse>> ReadAsync(RecommendRequest request)
    {
        using var call = fixture.System.GatewayClient.Recommend(request, deadline: DateTime.UtcNow.AddSeconds(30));
        var items = new List<RecommendResponse>();
        await foreach (var item in call.ResponseStream.ReadAllAsync().WithTimeoutEach())
        {
            items.Add(item);
        }

        return items;
    }

    [Fact]
    public async Task Recommend_KnownUsers_NeverReturnASeenItem()
    {
        var histories = TestBundle.Histories(Bundle);
        for (var u = 0; u < Bundle.Users!.Count; u += 15)
        {
            var items = await fixture.System.RecommendAsync(Bundle.Users[u].Id, 30);

            Assert.Equal(30, items.Count);
            Assert.Equal(Enumerable.Range(1, 30), items.Select(i => i.Rank));
            Assert.All(items, i => Assert.False(i.Degraded));
            var seen = histories.Of(u).ToArray().Select(i => Bundle.Catalog.Items[i].Id).ToHashSet();
            Assert.DoesNotContain(items, i => seen.Contains(i.ItemId));
            Assert.All(items, i => Assert.Equal(Bundle.Catalog.Items[Bundle.Catalog.Index[i.ItemId]].Title, i.Title));
            Assert.All(items, i => Assert.NotEmpty(i.Sources));
        }
    }

    [Fact]
    public async Task Recommend_Order_EqualsSortingByUserVectorDotItemVector()
    {
        var u = 7;
        var user = Bundle.Users![u];
        var history = TestBundle.Histories(Bundle).Of(u).ToArray();
        var context = new UserContextFactory(Bundle.Catalog, RetrievalOptions.Default).Create(history, user.Country);

        // Candidates straight from retrieval with the gateway's context, then V_u from the ONNX user tower.
        var request = new GetCandidatesRequest
        {
            Country = context.Country ?? string.Empty,
            RecentItems = ItemReferences.OfIds(context.RecentItems.Select(i => Bundle.Catalog.Items[i].Id)),
            TopCategories = { context.TopCategories },
            ExcludedItems = ItemReferences.OfIds(history.Select(i => Bundle.Catalog.Items[i].Id)),
        };
        var candidates = (
            await fixture.System.RetrievalClient.GetCandidatesAsync(request).ResponseAsync.WithTimeout()
        ).Candidates.Ids.Ids.ToList();
        var userVector = UserVector(history, user.Age, user.Gender);
        var expected = candidates
            .Select(id => (Id: id, Score: Dot(userVector, Bundle.Vectors!.Row(Bundle.Catalog.Index[id]))))
            .OrderByDescending(c => c.Score)
            .Take(20)
            .ToList();

        var items = await fixture.System.RecommendAsync(user.Id, 20);

        Assert.Equal(expected.Select(e => e.Id), items.Select(i => i.ItemId));
        for (var i = 0; i < items.Count; i++)
        {
            Assert.Equal(expected[i].Score, items[i].Score, 3);
        }
    }

    [Fact]
    public async Task GetCandidates_ContainSimilarItemsCategoryAndCountryTops()
    {
        var u = 3;
        var user = Bundle.Users![u];
        var history = TestBundle.Histories(Bundle).Of(u).ToArray();
        var options = RetrievalOptions.Default;
        var context = new UserContextFactory(Bundle.Catalog, options).Create(history, user.Country);
        var request = new GetCandidatesRequest
        {
            Country = user.Country!,
            MaxCandidateCount = 1000,
            RecentItems = ItemReferences.OfIds(context.RecentItems.Select(i => Bundle.Catalog.Items[i].Id)),
            TopCategories = { context.TopCategories },
            ExcludedItems = ItemReferences.OfIds(history.Select(i => Bundle.Catalog.Items[i].Id)),
        };

        var response = await fixture.System.RetrievalClient.GetCandidatesAsync(request).ResponseAsync.WithTimeout();

        Assert.Null(response.ColumnProblem());
        var returned = response
            .Candidates.Ids.Ids.Select((id, i) => (id, i))
            .ToDictionary(p => p.id, p => Sources(response, p.i));
        var seen = history.ToHashSet();
        foreach (var recent in context.RecentItems)
        {
            foreach (var neighbour in Bundle.Similar!.Of(recent).ToArray().Where(n => !seen.Contains(n)))
            {
                var id = Bundle.Catalog.Items[neighbour].Id;
                Assert.Contains(
                    returned[id],
                    s => s.Kind == SourceKind.SimilarItems && s.Key == Bundle.Catalog.Items[recent].Id
                );
            }
        }

        foreach (var category in context.TopCategories)
        {
            foreach (
                var item in Bundle
                    .Tops!.ByCategory[category]
                    .Items.Where(i => !seen.Contains(i))
                    .Take(options.PerCategory)
            )
            {
                Assert.Contains(
                    returned[Bundle.Catalog.Items[item].Id],
                    s => s.Kind == SourceKind.Category && s.Key == category
                );
            }
        }

        foreach (
            var item in Bundle
                .Tops!.ByCountry[user.Country!]
                .Items.Where(i => !seen.Contains(i))
                .Take(options.PerCountry)
        )
        {
            Assert.Contains(
                returned[Bundle.Catalog.Items[item].Id],
                s => s.Kind == SourceKind.Country && s.Key == user.Country
            );
        }

        Assert.DoesNotContain(response.Candidates.Ids.Ids, id => seen.Contains(Bundle.Catalog.Index[id]));
        Assert.Equal(Bundle.Manifest.Version, response.BundleVersion);
    }

    [Fact]
    public async Task RecordInteraction_TakesEffectOnTheNextRecommend()
    {
        var userId = "new-user-" + Guid.NewGuid().ToString("N");
        var first = await fixture.System.RecommendAsync(userId, 10);
        var watched = first[0].ItemId;

        var recorded = await fixture
            .System.GatewayClient.RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = userId,
                    ItemId = watched,
                    Kind = InteractionKind.Watched,
                }
            )
            .ResponseAsync.WithTimeout();
        var next = await fixture.System.RecommendAsync(userId, 50);

        Assert.Equal(1, recorded.HistoryCount);
        Assert.DoesNotContain(next, i => i.ItemId == watched);
        Assert.Contains(next, i => i.Sources.Any(s => s.Kind == "similar-items" && s.Key == watched));
        var category = Bundle.Catalog.Categories[Bundle.Catalog.Items[Bundle.Catalog.Index[watched]].Categories[0]];
        Assert.Contains(next, i => i.Sources.Any(s => s.Kind == "category" && s.Key == category));
        // every source also as the shared enum, the same source as its name
        Assert.All(
            next.SelectMany(i => i.Sources),
            s =>
            {
                Assert.NotEqual(SourceKind.Unspecified, s.SourceKind);
                Assert.Equal(s.Kind, SourceHit.NameOf(s.SourceKind));
            }
        );
        Assert.Contains(next, i => i.Sources.Any(s => s.SourceKind == SourceKind.SimilarItems && s.Key == watched));
    }

    [Fact]
    public async Task Recommend_UnknownUser_GetsPopularItemsNotAnError()
    {
        var items = await fixture.System.RecommendAsync("never-seen-" + Guid.NewGuid().ToString("N"), 10);

        Assert.Equal(10, items.Count);
        Assert.All(items, i => Assert.Contains(i.Sources, s => s.Kind == "popular"));
        var popular = Bundle.Tops!.Global.Items.Take(200).Select(i => Bundle.Catalog.Items[i].Id).ToHashSet();
        Assert.All(items, i => Assert.Contains(i.ItemId, popular));
        Assert.All(items, i => Assert.False(i.Degraded));
    }

    [Theory]
    [InlineData("", 10, "user_id")]
    [InlineData("x", -1, "count")]
    [InlineData("x", 101, "count")]
    public async Task Recommend_BadInput_IsInvalidArgumentNamingTheField(string userId, int count, string field)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.System.RecommendAsync(userId, count));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(field, e.Status.Detail);
    }

    [Fact]
    public async Task Recommend_OversizedUserId_IsInvalidArgument()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.System.RecommendAsync(new string('u', 300), 10));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("user_id must be 1 to 256 characters", e.Status.Detail);
        // over the wire too (grpc-status-details-bin): the field a client can read without parsing the text
        Assert.Equal(
            "user_id",
            Assert.Single(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field
        );
    }

    [Theory]
    [InlineData(
        "u1",
        "no-such-item",
        InteractionKind.Watched,
        null,
        StatusCode.NotFound,
        "item_id 'no-such-item' is not in the catalog"
    )]
    [InlineData("u1", "i1", InteractionKind.Unspecified, null, StatusCode.InvalidArgument, "kind must be")]
    [InlineData("u1", "i1", InteractionKind.Rated, null, StatusCode.InvalidArgument, "rating must be set")]
    [InlineData(
        "u1",
        "i1",
        InteractionKind.Rated,
        9f,
        StatusCode.InvalidArgument,
        "rating must be set between 0.5 and 5"
    )]
    [InlineData("", "i1", InteractionKind.Watched, null, StatusCode.InvalidArgument, "user_id")]
    [InlineData("u1", "", InteractionKind.Watched, null, StatusCode.InvalidArgument, "item_id")]
    public async Task RecordInteraction_BadInput_GetsItsStatus(
        string userId,
        string itemId,
        InteractionKind kind,
        float? rating,
        StatusCode status,
        string message
    )
    {
        var request = new RecordInteractionRequest
        {
            UserId = userId,
            ItemId = itemId,
            Kind = kind,
        };
        if (rating.HasValue)
        {
            request.Rating = rating.Value;
        }

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.System.GatewayClient.RecordInteractionAsync(request).ResponseAsync.WithTimeout()
        );

        Assert.Equal(status, e.StatusCode);
        Assert.Contains(message, e.Status.Detail);
    }

    [Fact]
    public async Task RecordInteraction_SameEventIdRetried_RecordsOnceAnswersAsFirstAndAReuseForAnotherItemIsAlreadyExists()
    {
        var client = fixture.System.GatewayClient;
        var userId = "retrying-user-" + Guid.NewGuid().ToString("N");
        var watch = new RecordInteractionRequest
        {
            UserId = userId,
            ItemId = "i1",
            Kind = InteractionKind.Watched,
            EventId = "evt-1",
        };

        var first = await client.RecordInteractionAsync(watch).ResponseAsync.WithTimeout();
        await client
            .RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = userId,
                    ItemId = "i2",
                    Kind = InteractionKind.Watched,
                    EventId = "evt-2",
                }
            )
            .ResponseAsync.WithTimeout();
        var retry = await client.RecordInteractionAsync(watch).ResponseAsync.WithTimeout();
        var reuse = await Assert.ThrowsAsync<RpcException>(() =>
            client
                .RecordInteractionAsync(
                    new RecordInteractionRequest
                    {
                        UserId = userId,
                        ItemId = "i3",
                        Kind = InteractionKind.Watched,
                        EventId = "evt-1",
                    }
                )
                .ResponseAsync.WithTimeout()
        );
        var unnamed = await client
            .RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = userId,
                    ItemId = "i3",
                    Kind = InteractionKind.Purchased,
                }
            )
            .ResponseAsync.WithTimeout();

        Assert.Equal((1, "evt-1"), (first.HistoryCount, first.EventId));
        Assert.Equal((1, "evt-1"), (retry.HistoryCount, retry.EventId));
        Assert.Equal(StatusCode.AlreadyExists, reuse.StatusCode);
        Assert.Contains("event_id 'evt-1' was already recorded", reuse.Status.Detail);
        Assert.Equal(3, unnamed.HistoryCount);
        Assert.Matches("^[0-9a-f]{32}$", unnamed.EventId); // assigned by the server
    }

    [Fact]
    public async Task RecordInteraction_OccurredAtInTheFuture_IsInvalidArgumentBeyondFiveMinutes()
    {
        var client = fixture.System.GatewayClient;
        var userId = "clock-user-" + Guid.NewGuid().ToString("N");
        Google.Protobuf.WellKnownTypes.Timestamp In(TimeSpan ahead) =>
            Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + ahead);

        var slightlyAhead = await client
            .RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = userId,
                    ItemId = "i1",
                    Kind = InteractionKind.Watched,
                    OccurredAt = In(TimeSpan.FromMinutes(1)),
                }
            )
            .ResponseAsync.WithTimeout();
        var farAhead = await Assert.ThrowsAsync<RpcException>(() =>
            client
                .RecordInteractionAsync(
                    new RecordInteractionRequest
                    {
                        UserId = userId,
                        ItemId = "i2",
                        Kind = InteractionKind.Watched,
                        OccurredAt = In(TimeSpan.FromHours(1)),
                    }
                )
                .ResponseAsync.WithTimeout()
        );
        var year9999 = await Assert.ThrowsAsync<RpcException>(() =>
            client
                .RecordInteractionAsync(
                    new RecordInteractionRequest
                    {
                        UserId = userId,
                        ItemId = "i2",
                        Kind = InteractionKind.Watched,
                        OccurredAt = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 253402300799 },
                    }
                )
                .ResponseAsync.WithTimeout()
        );
        var tooLongId = await Assert.ThrowsAsync<RpcException>(() =>
            client
                .RecordInteractionAsync(
                    new RecordInteractionRequest
                    {
                        UserId = userId,
                        ItemId = "i2",
                        Kind = InteractionKind.Watched,
                        EventId = new string('e', 300),
                    }
                )
                .ResponseAsync.WithTimeout()
        );

        Assert.Equal(1, slightlyAhead.HistoryCount);
        Assert.Equal(StatusCode.InvalidArgument, farAhead.StatusCode);
        Assert.Contains("is more than 5 minutes after the server's clock", farAhead.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, year9999.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, tooLongId.StatusCode);
        Assert.Contains("event_id must be 1 to 256 characters", tooLongId.Status.Detail);
    }

    private static float[] UserVector(int[] history, int? age, string? gender)
    {
        var features = TestBundle.Features(Bundle);
        using var tower = new UserTowerModel(
            Bundle.UserTowerPath,
            Bundle.Manifest.Schema,
            Bundle.Manifest.Towers.Output
        );
        var items = new long[features.HistoryLength];
        var weights = new float[features.HistoryLength];
        var dense = new float[features.Width];
        features.Fill(history, age, gender, items, weights, dense);
        var output = new float[tower.OutputWidth];
        tower.Run(1, items, weights, dense, output);
        return output;
    }

    /// <summary>Candidate <paramref name="i"/>'s sources read back from the response's columns.</summary>
    private static List<(SourceKind Kind, string Key, float Score)> Sources(GetCandidatesResponse response, int i)
    {
        var (start, end) = response.SourceRange(i);
        return
        [
            .. Enumerable
                .Range(start, end - start)
                .Select(j => (response.SourceKinds[j], response.SourceKey(j), response.SourceScores[j])),
        ];
    }

    private static float Dot(float[] a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * (double)b[i];
        }

        return (float)sum;
    }
}
