using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RecServices.BundleServing;
using RecServices.Contracts.Catalog.V1;
using RecServices.Core.Bundles;

namespace RecServices.FunctionalTests;

/// <summary>
/// CatalogService through the gateway: a new item is proposed, ranked, recommended and recordable; hidden and deleted
/// items leave the next answers; a profile set there feeds the next Recommend; an erased user's next Recommend is a new
/// user's; bad input names the field.
/// </summary>
public sealed class CatalogServiceTests(WholeListSystemFixture fixture) : IClassFixture<WholeListSystemFixture>
{
    private static readonly Bundle Bundle = Bundle.Load(TestBundle.Path);

    private CatalogService.CatalogServiceClient Catalog => new(fixture.System.GatewayChannel);

    [Fact]
    public async Task SetAvailabilityAndDeleteItems_LeaveTheItemsOutOfTheNextAnswers_ADeletedOneForGood()
    {
        var user = Bundle.Users![7].Id;
        var before = await fixture.System.RecommendAsync(user, 10);
        var (hidden, deleted) = (before[0].ItemId, before[1].ItemId);

        var set = await Catalog
            .SetAvailabilityAsync(new SetAvailabilityRequest { ItemIds = { hidden, "not-in-the-bundle" } })
            .ResponseAsync.WithTimeout();
        var removed = await Catalog
            .DeleteItemsAsync(new DeleteItemsRequest { ItemIds = { deleted } })
            .ResponseAsync.WithTimeout();
        await AppliedAsync(removed.CatalogVersion);
        var after = await fixture.System.RecommendAsync(user, 10);
        // retrieval and ranking read the same store: neither proposes nor ranks them
        var proposed = await fixture
            .System.RetrievalClient.GetCandidatesAsync(
                new Contracts.Retrieval.V2.GetCandidatesRequest
                {
                    RecentItems = Serving.Wire.ItemReferences.OfIds(before.Select(i => i.ItemId)),
                    MaxCandidateCount = 1000,
                }
            )
            .ResponseAsync.WithTimeout();
        var ranked = await RankedIdsAsync([hidden, deleted, before[2].ItemId]);
        var (hiddenItem, deletedItem, shownItem, outside) = (
            await GetItemAsync(hidden),
            await GetItemAsync(deleted),
            await GetItemAsync(before[2].ItemId),
            await GetItemAsync("not-in-the-bundle")
        );
        var missing = await Assert.ThrowsAsync<RpcException>(() => GetItemAsync("never-heard-of"));
        var shown = await Catalog
            .SetAvailabilityAsync(new SetAvailabilityRequest { ItemIds = { hidden, deleted }, Available = true })
            .ResponseAsync.WithTimeout();
        await AppliedAsync(shown.CatalogVersion);
        var again = await fixture.System.RecommendAsync(user, 10);

        Assert.Equal(["not-in-the-bundle"], set.UnknownItemIds);
        Assert.Equal(set.CatalogVersion + 1, removed.CatalogVersion);
        Assert.Equal(10, after.Count);
        Assert.DoesNotContain(after, i => i.ItemId == hidden || i.ItemId == deleted);
        Assert.DoesNotContain(proposed.Candidates.Ids.Ids, id => id == hidden || id == deleted);
        Assert.Equal([before[2].ItemId], ranked);
        Assert.Equal(
            (ItemOrigin.Bundle, false, false, false, true, removed.CatalogVersion),
            (
                hiddenItem.Origin,
                hiddenItem.Available,
                hiddenItem.Deleted,
                hiddenItem.Served,
                hiddenItem.HasVector,
                hiddenItem.CatalogVersion
            )
        );
        Assert.Equal((true, true, false), (deletedItem.Available, deletedItem.Deleted, deletedItem.Served));
        Assert.Equal((true, before[2].Title), (shownItem.Served, shownItem.Title));
        Assert.NotEmpty(shownItem.Categories);
        Assert.Equal((ItemOrigin.CatalogService, false, false), (outside.Origin, outside.Served, outside.HasVector));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains(again, i => i.ItemId == hidden);
        Assert.DoesNotContain(again, i => i.ItemId == deleted); // deleted stays deleted
    }

    [Fact]
    public async Task UpsertItems_ANewItem_IsProposedRankedRecommendedAndRecordable_UntilItsWindowCloses()
    {
        var user = Bundle.Users![11].Id;
        var id = "fresh-" + Guid.NewGuid().ToString("N")[..8];
        var item = new CatalogItem
        {
            ItemId = id,
            Title = "A film added today",
            Categories = { Bundle.Catalog.Categories, "Brand-new category" }, // every category: in any user's top ones
            Year = 2026,
        };
        var upserted = await Catalog
            .UpsertItemsAsync(new UpsertItemsRequest { Items = { item } })
            .ResponseAsync.WithTimeout();
        await AppliedAsync(upserted.CatalogVersion);

        var described = await GetItemAsync(id);
        var list = await fixture.System.RecommendAsync(user, 1000);
        var ranked = await RankedIdsAsync([id, list[0].ItemId]);
        var recorded = await fixture
            .System.GatewayClient.RecordInteractionAsync(
                new Contracts.Gateway.V1.RecordInteractionRequest
                {
                    UserId = user,
                    ItemId = id,
                    Kind = Contracts.Gateway.V1.InteractionKind.Watched,
                }
            )
            .ResponseAsync.WithTimeout();
        var afterWatching = await fixture.System.RecommendAsync(user, 1000);
        item.AvailableUntil = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.AddSeconds(-1));
        item.AvailableFrom = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-1));
        var expired = await Catalog
            .UpsertItemsAsync(new UpsertItemsRequest { Items = { item } })
            .ResponseAsync.WithTimeout();
        await AppliedAsync(expired.CatalogVersion);
        var other = Bundle.Users![12].Id;
        var afterExpiry = await fixture.System.RecommendAsync(other, 1000);

        Assert.Equal((1, 1, true), (upserted.ItemCount, upserted.NewItemCount, upserted.NewItemsEmbedded));
        Assert.Equal(1, upserted.UnknownCategories["Brand-new category"]);
        Assert.Equal(
            (ItemOrigin.CatalogService, true, true, "A film added today", 2026),
            (described.Origin, described.Served, described.HasVector, described.Title, described.Year)
        );
        var fresh = Assert.Single(list, i => i.ItemId == id);
        Assert.Equal("A film added today", fresh.Title);
        Assert.Contains(fresh.Sources, s => s.Kind == "fresh" && s.SourceKind == Contracts.Gateway.V1.SourceKind.Fresh);
        Assert.True(float.IsFinite(fresh.Score));
        Assert.Contains(id, ranked);
        Assert.True(recorded.HistoryCount > 1); // recorded (not NOT_FOUND) on top of the seeded history
        Assert.DoesNotContain(afterWatching, i => i.ItemId == id); // the store's history holds it: seen now
        Assert.DoesNotContain(afterExpiry, i => i.ItemId == id);
        Assert.False((await GetItemAsync(id)).Served);
    }

    [Theory]
    [InlineData("", "items[0].item_id")]
    [InlineData("year", "items[0].year")]
    [InlineData("window", "items[0].available_until")]
    [InlineData("twice", "items[1].item_id")]
    public async Task UpsertItems_BadField_IsInvalidArgumentNamingIt(string fault, string field)
    {
        var item = new CatalogItem { ItemId = fault.Length == 0 ? "" : "bad-" + fault, Title = "t" };
        var request = new UpsertItemsRequest { Items = { item } };
        switch (fault)
        {
            case "year":
                item.Year = 10_000;
                break;
            case "window":
                item.AvailableFrom = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow);
                item.AvailableUntil = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(
                    DateTime.UtcNow.AddHours(-1)
                );
                break;
            case "twice":
                request.Items.Add(item.Clone());
                break;
        }

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Catalog.UpsertItemsAsync(request).ResponseAsync.WithTimeout()
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(field, Assert.Single(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task UpsertItemsStream_WritesEachMessage_AndSumsTheAnswer()
    {
        using var call = Catalog.UpsertItemsStream();
        for (var m = 0; m < 3; m++)
        {
            var message = new UpsertItemsStreamRequest();
            for (var i = 0; i < 4; i++)
            {
                message.Items.Add(
                    new CatalogItem
                    {
                        ItemId = $"bulk-{m}-{i}",
                        Title = $"Bulk {m}.{i}",
                        Categories = { Bundle.Catalog.Categories[i % Bundle.Catalog.Categories.Count] },
                    }
                );
            }

            await call.RequestStream.WriteAsync(message);
        }

        await call.RequestStream.CompleteAsync();
        var answer = await call.ResponseAsync.WithTimeout();
        await AppliedAsync(answer.CatalogVersion);

        Assert.Equal((3, 12, 12), (answer.MessageCount, answer.ItemCount, answer.NewItemCount));
        Assert.Equal(Bundle.Catalog.Categories[1], Assert.Single((await GetItemAsync("bulk-2-1")).Categories));
    }

    [Fact]
    public async Task SetAvailability_TenThousandLongIds_PassTheGatewaysRequestLimitForUsersCalls()
    {
        // 10,000 ids of 40 characters: about 420 KB, past the 64 KB of a user's call
        var ids = Enumerable.Range(0, 10_000).Select(i => $"bulk-{i:D6}-{new string('x', 28)}").ToList();
        var request = new SetAvailabilityRequest { ItemIds = { ids } };

        var answer = await Catalog.SetAvailabilityAsync(request).ResponseAsync.WithTimeout();
        var tooLarge = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.System.RecommendAsync(new string('u', 70_000), 1)
        );

        Assert.True(request.CalculateSize() > 400_000);
        Assert.Equal(10_000, answer.UnknownItemIds.Count);
        Assert.Equal(StatusCode.ResourceExhausted, tooLarge.StatusCode); // the gateway's own calls keep theirs
    }

    [Fact]
    public async Task SetAvailability_NoIds_IsInvalidArgumentNamingTheField()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Catalog.SetAvailabilityAsync(new SetAvailabilityRequest()).ResponseAsync.WithTimeout()
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("send 1 to 10000 item ids in item_ids; got none", e.Status.Detail);
    }

    [Fact]
    public async Task SetUserProfile_ANewUsersCountry_FeedsTheCountrySourceOfTheirNextRecommend()
    {
        var user = "profiled-" + Guid.NewGuid().ToString("N");
        var before = await fixture.System.RecommendAsync(user, 20);

        var set = await Catalog
            .SetUserProfileAsync(
                new SetUserProfileRequest
                {
                    UserId = user,
                    Country = "US",
                    Age = 30,
                    Gender = "F",
                }
            )
            .ResponseAsync.WithTimeout();
        var after = await fixture.System.RecommendAsync(user, 20);

        Assert.True(set.Created);
        Assert.DoesNotContain(before, i => i.Sources.Any(s => s.Kind == "country"));
        Assert.Contains(after, i => i.Sources.Any(s => s.Kind == "country" && s.Key == "US"));
    }

    [Fact]
    public async Task DeleteUser_ASeededUsersNextRecommend_IsANewUsers()
    {
        var user = Bundle.Users![5].Id;
        var before = await fixture.System.RecommendAsync(user, 10);

        var erased = await Catalog.DeleteUserAsync(new DeleteUserRequest { UserId = user }).ResponseAsync.WithTimeout();
        var again = await Catalog.DeleteUserAsync(new DeleteUserRequest { UserId = user }).ResponseAsync.WithTimeout();
        var after = await fixture.System.RecommendAsync(user, 10);
        var stranger = await fixture.System.RecommendAsync("never-seen-" + Guid.NewGuid().ToString("N"), 10);

        Assert.Contains(before, i => i.Sources.Any(s => s.Kind == "similar-items"));
        Assert.Equal((true, false), (erased.Existed, again.Existed));
        Assert.Equal(stranger.Select(i => i.ItemId), after.Select(i => i.ItemId));
        // nothing personal left: popular items (and the items this class added, which keep a place of each list)
        Assert.All(after, i => Assert.All(i.Sources, s => Assert.Contains(s.Kind, new[] { "popular", "fresh" })));
    }

    /// <summary>
    /// Waits until the three services serve the live catalog's <paramref name="version"/> (each polls the store).
    /// </summary>
    private async Task AppliedAsync(long version)
    {
        var system = fixture.System;
        var services = new[] { system.Gateway!, system.Retrieval!, system.Ranking! };
        foreach (var live in services.Select(s => s.Services.GetRequiredService<LiveCatalog>()))
        {
            await Task.Run(async () =>
                {
                    while (live.Current.Version < version)
                    {
                        await Task.Delay(20);
                    }
                })
                .WithTimeout();
        }
    }

    private async Task<GetItemResponse> GetItemAsync(string itemId) =>
        await Catalog.GetItemAsync(new GetItemRequest { ItemId = itemId }).ResponseAsync.WithTimeout();

    private async Task<List<string>> RankedIdsAsync(string[] candidates) =>
        [
            .. (
                await Streams.ReadAllAsync(
                    fixture.System.RankingClient.RankCandidates(
                        new Contracts.Ranking.V2.RankCandidatesRequest
                        {
                            Candidates = Serving.Wire.ItemReferences.OfIds(candidates),
                        }
                    )
                )
            ).Select(message => message.Item.ItemId),
        ];

    [Theory]
    [InlineData("", "XX", 0, "", "user_id")]
    [InlineData("u1", "XX", 151, "", "age")]
    [InlineData("u1", "XX", 0, "other", "gender")]
    public async Task SetUserProfile_BadField_IsInvalidArgumentNamingIt(
        string user,
        string country,
        int age,
        string gender,
        string field
    )
    {
        var request = new SetUserProfileRequest
        {
            UserId = user,
            Country = country,
            Age = age,
            Gender = gender,
        };

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Catalog.SetUserProfileAsync(request).ResponseAsync.WithTimeout()
        );

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(field, Assert.Single(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
    }
}
