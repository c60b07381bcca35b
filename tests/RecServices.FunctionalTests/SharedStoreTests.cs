using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.LocalSystem;
using RecServices.Users;

namespace RecServices.FunctionalTests;

/// <summary>
/// The user store as replicas share it: gateway processes on one real redis-server with the real retrieval and
/// ranking, and a heavy user whose history is far longer than what serving reads, on both stores.
/// </summary>
public sealed class SharedStoreTests
{
    private static readonly Lazy<Bundle> Loaded = new(() => Bundle.Load(TestBundle.Path));

    private static Bundle Bundle => Loaded.Value;

    [RedisFact]
    public async Task TwoGatewayProcesses_SharingOneRedis_WhatARecordsBNeverRecommendsAndBuildsOn()
    {
        // Retrieval, ranking and two gateways as processes, the gateways starting together against one empty Redis.
        await using var system = await LocalServices.StartAsync(TestBundle.Path, userStore: "redis", gateways: 2);
        using var channelA = GrpcChannel.ForAddress(system.GatewayAddresses[0]);
        using var channelB = GrpcChannel.ForAddress(system.GatewayAddresses[1]);
        var (a, b) = (
            new GatewayService.GatewayServiceClient(channelA),
            new GatewayService.GatewayServiceClient(channelB)
        );
        var user = Bundle.Users![11].Id;
        var before = await RecommendAsync(b, user, 100);

        // Through A: the five items B ranked first, watched now.
        var watched = before.Take(5).Select(i => i.ItemId).ToList();
        var counts = new List<int>();
        foreach (var item in watched)
        {
            var answer = await a.RecordInteractionAsync(
                    new RecordInteractionRequest
                    {
                        UserId = user,
                        ItemId = item,
                        Kind = Contracts.Gateway.V1.InteractionKind.Watched,
                        EventId = "watch-" + item,
                    }
                )
                .ResponseAsync.WithTimeout();
            counts.Add(answer.HistoryCount);
        }

        var after = await RecommendAsync(b, user, 100);
        var replayed = await b.RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = user,
                    ItemId = watched[0],
                    Kind = Contracts.Gateway.V1.InteractionKind.Watched,
                    EventId = "watch-" + watched[0],
                }
            )
            .ResponseAsync.WithTimeout();

        Assert.Equal(Enumerable.Range(counts[0], 5), counts); // one more distinct item each
        Assert.DoesNotContain(after, i => watched.Contains(i.ItemId));
        Assert.All(after, i => Assert.False(i.Degraded));
        // B's candidates now come from A's interactions: items similar to what was just watched.
        Assert.Contains(after, i => i.Sources.Any(s => s.Kind == "similar-items" && watched.Contains(s.Key)));
        Assert.DoesNotContain(before, i => i.Sources.Any(s => s.Kind == "similar-items" && watched.Contains(s.Key)));
        // a retry through the other replica answers as the first call did
        Assert.Equal(counts[0], replayed.HistoryCount);
    }

    [RedisFact]
    public async Task TwoGatewayProcesses_OneRedis_CatalogChangesThroughAReachEveryAnswerOfB_DegradedOnesToo()
    {
        await using var system = await LocalServices.StartAsync(
            TestBundle.Path,
            userStore: "redis",
            gateways: 2,
            gatewaySettings: ["--Recs:MaxCount=1000"] // whole lists: every candidate ranked
        );
        using var channelA = GrpcChannel.ForAddress(system.GatewayAddresses[0]);
        using var channelB = GrpcChannel.ForAddress(system.GatewayAddresses[1]);
        var catalogA = new Contracts.Catalog.V1.CatalogService.CatalogServiceClient(channelA);
        var (catalogB, b) = (
            new Contracts.Catalog.V1.CatalogService.CatalogServiceClient(channelB),
            new GatewayService.GatewayServiceClient(channelB)
        );
        var user = Bundle.Users![11].Id;
        var seen = Bundle
            .Interactions!.Users.ToArray()
            .Select((u, r) => (u, r))
            .Where(p => Bundle.Users[p.u].Id == user)
            .Select(p => Bundle.Catalog.IdOf(Bundle.Interactions.Items[p.r]))
            .ToHashSet();
        // the most popular item the user has not seen: on every path, the ranked list, retrieval order, popular
        var hidden = Bundle.Tops!.Global.Items.Select(Bundle.Catalog.IdOf).First(id => !seen.Contains(id));
        var before = await RecommendAsync(b, user, 1000);

        var fresh = "fresh-" + Guid.NewGuid().ToString("N")[..8];
        var upserted = await catalogA
            .UpsertItemsAsync(
                new Contracts.Catalog.V1.UpsertItemsRequest
                {
                    Items =
                    {
                        new Contracts.Catalog.V1.CatalogItem
                        {
                            ItemId = fresh,
                            Title = "Added through A",
                            Categories = { Bundle.Catalog.Categories },
                        },
                    },
                }
            )
            .ResponseAsync.WithTimeout();
        var set = await catalogA
            .SetAvailabilityAsync(new Contracts.Catalog.V1.SetAvailabilityRequest { ItemIds = { hidden } })
            .ResponseAsync.WithTimeout();
        // B, retrieval and ranking each poll the store: wait until B's answers hold the new item
        var after = await Task.Run(async () =>
            {
                while (true)
                {
                    var list = await RecommendAsync(b, user, 1000);
                    if (list.Any(i => i.ItemId == fresh))
                    {
                        return list;
                    }

                    await Task.Delay(50);
                }
            })
            .WithTimeout();
        var hiddenAtB = await catalogB
            .GetItemAsync(new Contracts.Catalog.V1.GetItemRequest { ItemId = hidden })
            .ResponseAsync.WithTimeout();
        var recorded = await b.RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = user,
                    ItemId = fresh,
                    Kind = Contracts.Gateway.V1.InteractionKind.Watched,
                }
            )
            .ResponseAsync.WithTimeout();
        await system.KillAsync(LocalServices.PositionOf("ranking"));
        var retrievalOrder = await RecommendAsync(b, user, 1000);
        await system.KillAsync(LocalServices.PositionOf("retrieval"));
        var popular = await RecommendAsync(b, user, 1000);

        Assert.Contains(before, i => i.ItemId == hidden);
        Assert.DoesNotContain(before, i => i.ItemId == fresh);
        Assert.True(hiddenAtB.CatalogVersion >= set.CatalogVersion && !hiddenAtB.Served);
        Assert.True(upserted.CatalogVersion < set.CatalogVersion);
        Assert.DoesNotContain(after, i => i.ItemId == hidden);
        Assert.Contains(after.Single(i => i.ItemId == fresh).Sources, s => s.Kind == "fresh");
        Assert.True(recorded.HistoryCount > 0);
        Assert.All(retrievalOrder, i => Assert.True(i.Degraded));
        Assert.All(popular, i => Assert.True(i.Degraded));
        Assert.NotEmpty(retrievalOrder);
        Assert.NotEmpty(popular);
        Assert.DoesNotContain(retrievalOrder, i => i.ItemId == hidden || i.ItemId == fresh); // fresh: seen now
        Assert.DoesNotContain(popular, i => i.ItemId == hidden);
    }

    [Theory]
    [InlineData("sqlite")]
    [RedisInlineData("redis")]
    public async Task Recommend_UserWith50000Interactions_ListHasNoSeenItemEvenPastTheHistoryLimit(string kind)
    {
        await using var redis = kind == "redis" ? await LocalRedis.StartAsync() : null;
        using var directory = new TempDirectory();
        var storeArgs =
            kind == "redis"
                ? new[] { "--Recs:UserStore=redis", $"--Recs:Redis={redis!.Configuration}" }
                : ["--Recs:UserStore=sqlite", $"--Recs:UserStorePath={Path.Combine(directory.Path, "users.db")}"];

        // The store seeded before any gateway starts: the bundle's users plus "heavy", who watched 450 of the 500 items
        // 50,000 times in all. The gateway reads the newest 100 of them and must still filter the other 350.
        var (seed, seen) = HeavySeed(Bundle, 50_000, 450);
        await using (
            IUserStore store =
                kind == "redis"
                    ? new RedisUserStore(redis!.Configuration)
                    : new SqliteUserStore(Path.Combine(directory.Path, "users.db"))
        )
        {
            Assert.True(await store.InitializeAsync(seed, CancellationToken.None));
        }

        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            [.. storeArgs, "--Recs:HistoryLimit=100"]
        );
        var full = await system.RecommendAsync("heavy", 40);
        await system.StopRankingAsync();
        var retrievalOrder = await system.RecommendAsync("heavy", 40);
        await system.StopRetrievalAsync();
        var popular = await system.RecommendAsync("heavy", 40);

        Assert.NotEmpty(full);
        Assert.All(full, i => Assert.False(i.Degraded));
        Assert.All(retrievalOrder, i => Assert.True(i.Degraded));
        Assert.All(popular, i => Assert.True(i.Degraded));
        Assert.NotEmpty(popular);
        foreach (var list in new[] { full, retrievalOrder, popular })
        {
            Assert.DoesNotContain(list, i => seen.Contains(i.ItemId));
        }
    }

    /// <summary>
    /// The bundle's seed plus a user "heavy" with <paramref name="interactions"/> watches cycling over the first
    /// <paramref name="items"/> items.
    /// </summary>
    private static (UserStoreSeed Seed, HashSet<string> Seen) HeavySeed(Bundle bundle, int interactions, int items)
    {
        var bundleSeed = UserStoreSeed.From(bundle);
        var rows = new InteractionTable(bundleSeed.Interactions.Count + interactions);
        for (var row = 0; row < bundleSeed.Interactions.Count; row++)
        {
            rows.AddRow(bundleSeed.Interactions, row);
        }

        var heavy = bundleSeed.Users.Count;
        for (var i = 0; i < interactions; i++)
        {
            rows.Add(heavy, i % items, 1, 1_600_000_000 + i, Core.Data.InteractionKind.Watched);
        }

        var seed = bundleSeed with
        {
            Users = [.. bundleSeed.Users, new User("heavy", "US", 30, "F")],
            Interactions = rows,
        };
        return (seed, bundleSeed.ItemIds.Take(items).ToHashSet());
    }

    private static async Task<List<RecommendResponse>> RecommendAsync(
        GatewayService.GatewayServiceClient client,
        string user,
        int count
    )
    {
        using var call = client.Recommend(
            new RecommendRequest { UserId = user, Count = count },
            deadline: DateTime.UtcNow.AddSeconds(30)
        );
        var items = new List<RecommendResponse>();
        await foreach (var item in call.ResponseStream.ReadAllAsync().WithTimeoutEach())
        {
            items.Add(item);
        }

        return items;
    }
}
