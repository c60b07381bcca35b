using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RecServices.BundleServing;
using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;
using RecServices.Gateway.Services;
using RecServices.Ranking.Services;
using RecServices.Retrieval.Services;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Ranking;

namespace RecServices.FunctionalTests;

/// <summary>
/// Versions replaced while serving: the three real hosts on one bundle root, a promotion and a rollback under
/// load, and a corrupted version every service refuses.
/// </summary>
public sealed class BundleReloadTests
{
    /// <summary>
    /// Poll the pointer often, and keep a replaced version long enough for every pinned call of the test.
    /// </summary>
    private static readonly string[] Reloading = ["--Recs:BundlePollSeconds=0.1", "--Recs:PreviousVersionSeconds=60"];

    [Fact]
    public async Task PromoteThenRollback_UnderLoad_NoErrorNoDegradedAndEveryAnswerRankedByTheVersionThatRetrievedIt()
    {
        using var dir = new TempDirectory();
        var (root, v1, v2) = TestVersions.NewRoot(dir.Path);
        var (m1, m2) = (Version(root, v1), Version(root, v2));
        await using var system = await ServiceSystem.StartAsync(root.Path, hostArgs: Reloading);
        var users = Bundle.Load(root.VersionPath(v1), BundleParts.Users).Users!.Select(u => u.Id).ToArray();
        var answers = new ConcurrentQueue<Answer>();
        var errors = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();

        // Eight callers without pause, from before the promotion to after the rollback.
        var callers = Enumerable
            .Range(0, 8)
            .Select(w =>
                Task.Run(async () =>
                {
                    for (var n = 0; !stop.IsCancellationRequested; n++)
                    {
                        var user = users[(w * 37 + n * 11) % users.Length];
                        var started = DateTime.UtcNow;
                        try
                        {
                            var items = await system.RecommendAsync(user, 10);
                            answers.Enqueue(new Answer(user, started, DateTime.UtcNow, items));
                        }
                        catch (RpcException e)
                        {
                            errors.Enqueue($"{user}: {e.Status}");
                        }
                    }
                })
            )
            .ToArray();

        await Until(answers, m1, DateTime.MinValue);
        BundleValidation.Validate(root.VersionPath(v2));
        root.SetCurrent(v2);
        var servingV2 = await EveryStageServesAsync(system, m2);
        await Until(answers, m2, servingV2);
        var rollbackAt = DateTime.UtcNow;
        root.SetCurrent(root.PreviousVersion()!); // rollback
        var servingV1 = await EveryStageServesAsync(system, m1);
        await Until(answers, m1, servingV1);
        await stop.CancelAsync();
        await Task.WhenAll(callers).WithTimeout();

        Assert.Empty(errors);
        var all = answers.ToList();
        Assert.All(all, a => Assert.NotEmpty(a.Items));
        Assert.All(all, a => Assert.All(a.Items, i => Assert.False(i.Degraded, i.DegradedReason)));
        Assert.All(all, a => Assert.Single(a.Items.Select(i => i.BundleVersion).Distinct()));
        Assert.All(all, a => Assert.Contains(a.Version, new[] { m1, m2 }));
        // Once every stage serves a version, every call made after that (and over before the next change) is answered
        // on it.
        Assert.All(all.Where(a => a.Started > servingV2 && a.Ended < rollbackAt), a => Assert.Equal(m2, a.Version));
        Assert.All(all.Where(a => a.Started > servingV1), a => Assert.Equal(m1, a.Version));

        // Each answer's scores are V_u · V_m of the version it names: the towers and vectors that ranked it are the
        // ones of the version whose tables retrieved it.
        var rankers = new Dictionary<string, (Bundle Bundle, Ranker Ranker)>();
        foreach (var version in new[] { v1, v2 })
        {
            var bundle = Bundle.Load(root.VersionPath(version), BundleParts.Core);
            rankers[bundle.Manifest.Version] = (bundle, new Ranker(bundle));
        }

        var histories = Bundle.Load(root.VersionPath(v1), BundleParts.Users);
        var byUser = histories.Users!.Select((u, i) => (u, i)).ToDictionary(x => x.u.Id, x => x.i);
        var users1 = TestBundle.Histories(histories);
        foreach (var answer in all.Take(300))
        {
            var (bundle, ranker) = rankers[answer.Version];
            var profileUser = histories.Users![byUser[answer.User]];
            var history = TwoStagePipeline.Newest(
                users1
                    .Of(byUser[answer.User])
                    .ToArray()
                    .Select(i => bundle.Catalog.Index[histories.Catalog.Items[i].Id])
                    .ToArray()
            );
            var top = new RankedItem[1];
            ranker.Rank(
                new UserProfile(history, profileUser.Age, profileUser.Gender),
                [bundle.Catalog.Index[answer.Items[0].ItemId]],
                top
            );
            Assert.Equal(top[0].Score, answer.Items[0].Score, 3);
        }

        foreach (var (_, ranker) in rankers.Values)
        {
            ranker.Dispose();
        }
    }

    [Fact]
    public async Task Promote_CorruptedVersionWrittenToCurrent_EveryServiceRefusesItAndKeepsServingTheOld()
    {
        using var dir = new TempDirectory();
        var (root, v1, v2) = TestVersions.NewRoot(dir.Path);
        foreach (var table in new[] { TopLists.FileName, ItemVectors.FileName })
        {
            var path = Path.Combine(root.VersionPath(v2), table);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x20;
            File.WriteAllBytes(path, bytes);
        }

        await using var system = await ServiceSystem.StartAsync(root.Path, hostArgs: Reloading);
        var before = await system.RecommendAsync("u1", 10);
        root.SetCurrent(v2); // no validation: as if someone wrote the pointer by hand

        var refusals = new Func<string?>[]
        {
            () => system.Retrieval!.Services.GetRequiredService<Readiness<RetrievalState>>().Refused,
            () => system.Ranking!.Services.GetRequiredService<Readiness<RankingState>>().Refused,
            () => system.Gateway!.Services.GetRequiredService<Readiness<GatewayState>>().Refused,
        };
        foreach (var refused in refusals)
        {
            await TaskTimeouts.Until(
                () => Task.FromResult(refused() is not null),
                "every service to refuse the corrupted version"
            );
            Assert.Contains(root.VersionPath(v2), refused());
            Assert.Contains("checksum mismatch", refused());
        }

        var after = await system.RecommendAsync("u1", 10);
        Assert.Equal(before.Select(i => i.ItemId), after.Select(i => i.ItemId));
        Assert.All(after, i => Assert.Equal(Version(root, v1), i.BundleVersion));
        Assert.All(before, i => Assert.Equal(Version(root, v1), i.BundleVersion));
        Assert.All(after, i => Assert.False(i.Degraded));
        foreach (var port in new[] { system.RetrievalPorts.Grpc, system.RankingPorts.Grpc, system.GatewayPorts.Grpc })
        {
            Assert.Equal(
                Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving,
                await ServiceSystem.HealthAsync(port)
            );
        }
    }

    [Fact]
    public async Task Promote_NewVersion_LeavesTheUserStoreAsItWas()
    {
        using var dir = new TempDirectory();
        var (root, _, v2) = TestVersions.NewRoot(dir.Path);
        await using var system = await ServiceSystem.StartAsync(root.Path, hostArgs: Reloading);
        var client = system.GatewayClient;
        var first = await client
            .RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = "u5",
                    ItemId = "i3",
                    Kind = InteractionKind.Watched,
                    EventId = "before",
                }
            )
            .ResponseAsync.WithTimeout();

        root.SetCurrent(v2);
        await EveryStageServesAsync(system, Version(root, v2));
        var second = await client
            .RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = "u5",
                    ItemId = "i4",
                    Kind = InteractionKind.Watched,
                    EventId = "after",
                }
            )
            .ResponseAsync.WithTimeout();
        var replay = await client
            .RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = "u5",
                    ItemId = "i3",
                    Kind = InteractionKind.Watched,
                    EventId = "before",
                }
            )
            .ResponseAsync.WithTimeout();
        var list = await system.RecommendAsync("u5", 50);

        // the history kept, never re-seeded
        Assert.Equal(first.HistoryCount + (first.HistoryCount == second.HistoryCount ? 0 : 1), second.HistoryCount);
        Assert.Equal(first.HistoryCount, replay.HistoryCount);
        Assert.DoesNotContain(list, i => i.ItemId is "i3" or "i4");
        Assert.All(list, i => Assert.Equal(Version(root, v2), i.BundleVersion));
    }

    /// <summary>
    /// Items hidden while the first version serves stay hidden on the version promoted after it: the live catalog is
    /// kept in the store, by id, and every service applies it to whichever bundle it serves. The second version's most
    /// popular items are hidden (a new user's list on it would be exactly those), and an item added, then the version is
    /// promoted: the added item is embedded by the new version's item tower and ranked on it.
    /// </summary>
    [Fact]
    public async Task Promote_NewVersion_KeepsTheLiveCatalog_ItemsHiddenBeforeStayHiddenOnIt_AddedOnesServed()
    {
        using var dir = new TempDirectory();
        var (root, _, v2) = TestVersions.NewRoot(dir.Path);
        await using var system = await ServiceSystem.StartAsync(root.Path, hostArgs: Reloading);
        var second = Bundle.Load(TestVersions.SecondPath, BundleParts.Catalog | BundleParts.TopLists);
        var hidden = second.Tops!.Global.Items.Take(20).Select(second.Catalog.IdOf).ToArray();
        var catalog = new Contracts.Catalog.V1.CatalogService.CatalogServiceClient(system.GatewayChannel);

        var fresh = "fresh-" + Guid.NewGuid().ToString("N")[..8];
        await catalog
            .UpsertItemsAsync(
                new Contracts.Catalog.V1.UpsertItemsRequest
                {
                    Items =
                    {
                        new Contracts.Catalog.V1.CatalogItem
                        {
                            ItemId = fresh,
                            Title = "Added before the promotion",
                            Categories = { second.Catalog.Categories[0] },
                        },
                    },
                }
            )
            .ResponseAsync.WithTimeout();
        var set = await catalog
            .SetAvailabilityAsync(new Contracts.Catalog.V1.SetAvailabilityRequest { ItemIds = { hidden } })
            .ResponseAsync.WithTimeout();
        root.SetCurrent(v2);
        await EveryStageServesAsync(system, Version(root, v2));
        await TaskTimeouts.Until(
            async () =>
                (
                    await catalog
                        .GetItemAsync(new Contracts.Catalog.V1.GetItemRequest { ItemId = hidden[0] })
                        .ResponseAsync
                ).CatalogVersion >= set.CatalogVersion,
            "the gateway to apply the availability change"
        );
        var stranger = await system.RecommendAsync("new-" + Guid.NewGuid().ToString("N"), 10);
        var item = await catalog
            .GetItemAsync(new Contracts.Catalog.V1.GetItemRequest { ItemId = hidden[0] })
            .ResponseAsync.WithTimeout();
        var added = await catalog
            .GetItemAsync(new Contracts.Catalog.V1.GetItemRequest { ItemId = fresh })
            .ResponseAsync.WithTimeout();
        var shownId = Enumerable
            .Range(0, second.Catalog.Count)
            .Select(second.Catalog.IdOf)
            .First(id => !hidden.Contains(id));
        var ranked = new List<string>();
        await TaskTimeouts.Until(
            async () =>
            {
                // ranking polls the store on its own: the item is ranked once it has read it (and embedded it)
                var messages = await Streams.ReadAllAsync(
                    system.RankingClient.RankCandidates(
                        new Contracts.Ranking.V2.RankCandidatesRequest
                        {
                            Candidates = Serving.Wire.ItemReferences.OfIds([fresh, shownId]),
                        }
                    )
                );
                ranked = [.. messages.Where(m => m.Item is not null).Select(m => m.Item.ItemId)];
                return ranked.Count == 2;
            },
            "ranking to rank the added item"
        );
        // shown again: some of them come back (hiding them is what kept them out)
        var shown = await catalog
            .SetAvailabilityAsync(
                new Contracts.Catalog.V1.SetAvailabilityRequest { ItemIds = { hidden }, Available = true }
            )
            .ResponseAsync.WithTimeout();
        await TaskTimeouts.Until(
            async () =>
                (
                    await catalog
                        .GetItemAsync(new Contracts.Catalog.V1.GetItemRequest { ItemId = hidden[0] })
                        .ResponseAsync
                ).CatalogVersion >= shown.CatalogVersion,
            "the gateway to apply the second change"
        );
        var again = await system.RecommendAsync("new-" + Guid.NewGuid().ToString("N"), 10);

        Assert.Contains(again, i => hidden.Contains(i.ItemId));
        Assert.Equal(10, stranger.Count);
        Assert.All(stranger, i => Assert.Equal(Version(root, v2), i.BundleVersion));
        Assert.DoesNotContain(stranger, i => hidden.Contains(i.ItemId));
        Assert.Equal((Version(root, v2), false, false), (item.BundleVersion, item.Available, item.Served));
        Assert.Equal((Version(root, v2), true, true), (added.BundleVersion, added.Served, added.HasVector));
        Assert.Contains(fresh, ranked);
    }

    /// <summary>
    /// The gateway pins retrieval to its own version and sends item indexes of it; when retrieval serves another
    /// version only (the gateway promoted first, or retrieval dropped the gateway's version), the gateway asks
    /// again by id for the version retrieval serves, and the answer is ranked on that version, not degraded.
    /// </summary>
    [Fact]
    public async Task Recommend_GatewayOnAVersionTheBackendsDoNotHold_AsksByIdForTheirVersion_NotDegraded()
    {
        var served = Bundle.Load(TestVersions.FirstPath, BundleParts.Core);
        var gatewayVersion = Bundle.ReadManifest(TestVersions.SecondPath).Version;
        Assert.NotEqual(gatewayVersion, served.Manifest.Version);
        await using var system = await ServiceSystem.StartAsync(
            TestVersions.FirstPath,
            gatewayArgs: [$"--Recs:BundlePath={TestVersions.SecondPath}"]
        );
        var user = Bundle.Load(TestVersions.SecondPath, BundleParts.Users).Users![3].Id;

        var list = await system.RecommendAsync(user, 5);

        Assert.Equal(5, list.Count);
        Assert.All(list, i => Assert.False(i.Degraded, i.DegradedReason));
        Assert.All(list, i => Assert.Equal(served.Manifest.Version, i.BundleVersion));
        Assert.All(list, i => Assert.True(served.Catalog.Index.ContainsKey(i.ItemId), i.ItemId));
        Assert.Equal(list.OrderByDescending(i => i.Score).Select(i => i.ItemId), list.Select(i => i.ItemId));
    }

    /// <summary>
    /// Waits until retrieval, ranking and the gateway all serve <paramref name="version"/> (a manifest version);
    /// returns when they did.
    /// </summary>
    private static async Task<DateTime> EveryStageServesAsync(ServiceSystem system, string version)
    {
        await TaskTimeouts.Until(
            () =>
                Task.FromResult(
                    system
                        .Retrieval!.Services.GetRequiredService<Readiness<RetrievalState>>()
                        .Value?.Bundle.Manifest.Version == version
                        && system
                            .Ranking!.Services.GetRequiredService<Readiness<RankingState>>()
                            .Value?.Bundle.Manifest.Version == version
                        && system
                            .Gateway!.Services.GetRequiredService<Readiness<GatewayState>>()
                            .Value?.Bundle.Manifest.Version == version
                ),
            $"every stage to serve {version}"
        );
        return DateTime.UtcNow;
    }

    /// <summary>
    /// Waits until 30 answers on <paramref name="version"/> (a manifest version) started after
    /// <paramref name="since"/>.
    /// </summary>
    private static Task Until(ConcurrentQueue<Answer> answers, string version, DateTime since) =>
        TaskTimeouts.Until(
            () =>
                Task.FromResult(
                    answers.Count(a => a.Started > since && a.Items.Count > 0 && a.Version == version) >= 30
                ),
            $"30 answers on {version}"
        );

    private static string Version(BundleRoot root, string directory) =>
        Bundle.ReadManifest(root.VersionPath(directory)).Version;

    private sealed record Answer(string User, DateTime Started, DateTime Ended, List<RecommendResponse> Items)
    {
        public string Version => Items.Count > 0 ? Items[0].BundleVersion : string.Empty;
    }
}
