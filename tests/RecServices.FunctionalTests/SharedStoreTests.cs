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
