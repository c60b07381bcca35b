using RecServices.Core.Data;

namespace RecServices.Users.Tests;

/// <summary>
/// The one contract every user store meets, run against SQLite, a real redis-server, and a real three-node Redis
/// Cluster (where a user's keys outside one slot would fail with CROSSSLOT, and the log is read from every primary).
/// </summary>
public sealed class UserStoreContractTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Initialize_ConcurrentInitialisersOnAnEmptyStore_SeedItExactlyOnce(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var seed = StoreSeeds.Small();

        // Six replicas starting together, each with its own connections.
        var seeded = await Task.WhenAll(
                Enumerable.Range(0, 6).Select(_ => Task.Run(() => store.Open().InitializeAsync(seed, None)))
            )
            .WithTimeout();

        Assert.Single(seeded, s => s);
        var reader = store.Open();
        for (var u = 0; u < seed.Users.Count; u++)
        {
            var user = await reader.FindAsync(seed.Users[u].Id, 500, None);
            Assert.NotNull(user);
            Assert.Equal(StoreSeeds.HistoryOf(seed, u), user.History);
            Assert.Equal(user.History.Count, user.ItemCount);
        }

        Assert.Empty(await store.ReadLogAsync()); // seeded interactions are the dataset's, not the log's
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Initialize_SeededStoreAndANewBundleVersion_NeverSeedsAgain(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var first = store.Open();
        Assert.True(await first.InitializeAsync(StoreSeeds.Small("v1"), None));
        await first.AppendAsync(
            new NewInteraction("u0", "i99", InteractionKind.Watched, null, At(2_000_000), "after-seed"),
            None
        );

        var restarted = store.Open();
        Assert.False(await restarted.InitializeAsync(StoreSeeds.Heavy(), None));

        Assert.Null(await restarted.FindAsync("heavy", 10, None));
        Assert.Equal("i99", (await restarted.FindAsync("u0", 500, None))!.History[^1]);
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Find_SeededUser_ProfileAndHistoryInTimeOrder(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var seed = StoreSeeds.Small();
        var users = store.Open();
        await users.InitializeAsync(seed, None);

        var u3 = await users.FindAsync("u3", 500, None);
        var u9 = await users.FindAsync("u9", 500, None);
        var newest4 = await users.FindAsync("u3", 4, None);

        Assert.Equal(("C0", 23, "M"), (u3!.Country, u3.Age, u3.Gender));
        Assert.Equal(StoreSeeds.HistoryOf(seed, 3), u3.History);
        Assert.Equal((null, null, null), (u9!.Country, u9.Age, u9.Gender));
        Assert.Equal(u3.History.TakeLast(4), newest4!.History);
        Assert.Equal(u3.ItemCount, newest4.ItemCount);
        Assert.True(newest4.HistoryTruncated);
        Assert.False(u3.HistoryTruncated);
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Find_UnknownUser_IsNull(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var users = store.Open();
        await users.InitializeAsync(StoreSeeds.Small(), None);

        Assert.Null(await users.FindAsync("nobody", 500, None));
        Assert.Empty(await users.SeenAmongAsync("nobody", ["i1", "i2"], None));
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Append_NewUser_CreatesThemWithNoProfile(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var users = store.Open();
        await users.InitializeAsync(StoreSeeds.Small(), None);

        var first = await users.AppendAsync(
            new NewInteraction("new {user}", "i3", InteractionKind.Rated, 4.5f, At(5), "a"),
            None
        );
        var second = await users.AppendAsync(
            new NewInteraction("new {user}", "i4", InteractionKind.Purchased, null, At(6), "b"),
            None
        );
        var user = await store.Open().FindAsync("new {user}", 500, None);

        Assert.Equal(new RecordResult(1, false), first);
        Assert.Equal(new RecordResult(2, false), second);
        Assert.Equal(["i3", "i4"], user!.History);
        Assert.Equal((null, null, null), (user.Country, user.Age, user.Gender));
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Append_TimesOutOfOrderTiesAndRepeats_HistoryOrderedByTimeThenArrival(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var users = store.Open();
        await users.InitializeAsync(StoreSeeds.Empty, None);
        (string Item, long At)[] events =
        [
            ("a", 100),
            ("b", 300),
            ("c", 200), // c is back-dated between a and b
            ("d", 300),
            ("e", 300), // ties with b: arrival order
            ("a", 400), // a again: moves to the end
            ("b", 50), // b again, back-dated: stays where its latest time puts it
            ("f", 0), // the epoch itself
        ];

        var counts = new List<int>();
        for (var i = 0; i < events.Length; i++)
        {
            counts.Add(
                (
                    await users.AppendAsync(
                        new NewInteraction(
                            "t",
                            events[i].Item,
                            InteractionKind.Watched,
                            null,
                            At(events[i].At),
                            $"e{i}"
                        ),
                        None
                    )
                ).HistoryCount
            );
        }

        var user = await users.FindAsync("t", 500, None);
        Assert.Equal(["f", "c", "b", "d", "e", "a"], user!.History);
        Assert.Equal([1, 2, 3, 4, 5, 5, 5, 6], counts);
        Assert.Equal(["e", "a"], (await users.FindAsync("t", 2, None))!.History);
        Assert.Equal(events.Length, (await store.ReadLogAsync()).Count); // the log keeps every event, repeats included
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Append_SameEventIdAgain_RecordsOnceAndAnswersAsTheFirstCall(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var users = store.Open();
        await users.InitializeAsync(StoreSeeds.Small(), None);
        var before = (await users.FindAsync("u1", 500, None))!.ItemCount;
        var watch = new NewInteraction("u1", "i77", InteractionKind.Watched, null, At(3_000_000), "evt-1");

        var first = await users.AppendAsync(watch, None);
        await users.AppendAsync(
            new NewInteraction("u1", "i78", InteractionKind.Watched, null, At(3_000_001), "evt-2"),
            None
        );
        // a retry: the server's clock moved on
        var retry = await store.Open().AppendAsync(watch with { OccurredAt = At(3_000_500) }, None);
        var otherUser = await users.AppendAsync(watch with { UserId = "u2" }, None); // event ids are per user

        Assert.Equal(new RecordResult(before + 1, false), first);
        Assert.Equal(new RecordResult(before + 1, true), retry);
        Assert.False(otherUser.Replayed);
        Assert.Equal(before + 2, (await users.FindAsync("u1", 500, None))!.ItemCount);
        var log = await store.ReadLogAsync();
        Assert.Single(log, e => e.UserId == "u1" && e.EventId == "evt-1");
        Assert.Equal(3, log.Count);
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Append_ManyConcurrentCallersEachSendingTwice_EveryEventRecordedOnceAndBothCallsAnsweredAlike(
        StoreKind kind
    )
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var users = store.Open();
        await users.InitializeAsync(StoreSeeds.Empty, None);
        var events = Enumerable
            .Range(0, 400)
            .Select(i => new NewInteraction(
                $"c{i % 8}",
                $"x{i * 7 % 50}",
                InteractionKind.Watched,
                null,
                At(1_000 + i),
                $"e{i}"
            ))
            .ToList();

        // Every event twice, all 800 calls in flight together (a retry racing its original).
        var answers = await Task.WhenAll(events.Concat(events).Select(e => Task.Run(() => users.AppendAsync(e, None))))
            .WithTimeout();

        for (var i = 0; i < events.Count; i++)
        {
            var (first, second) = (answers[i], answers[i + events.Count]);
            Assert.Equal(first.HistoryCount, second.HistoryCount);
            Assert.True(first.Replayed != second.Replayed, $"event e{i}: exactly one of its two calls records it");
        }

        Assert.Equal(events.Count, (await store.ReadLogAsync()).Count);
        foreach (var group in events.GroupBy(e => e.UserId))
        {
            var user = await users.FindAsync(group.Key, 500, None);
            Assert.Equal(group.Select(e => e.ItemId).Distinct().Count(), user!.ItemCount);
            Assert.Equal(group.Max(e => answersFor(e).HistoryCount), user.ItemCount);
        }

        RecordResult answersFor(NewInteraction e) => answers[events.IndexOf(e)];
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Append_EventIdReusedForAnotherInteraction_IsAConflict(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var users = store.Open();
        await users.InitializeAsync(StoreSeeds.Empty, None);
        await users.AppendAsync(new NewInteraction("u", "i1", InteractionKind.Rated, 4f, At(10), "same"), None);

        var otherItem = await Assert.ThrowsAsync<EventIdConflictException>(() =>
            users.AppendAsync(new NewInteraction("u", "i2", InteractionKind.Rated, 4f, At(10), "same"), None)
        );
        await Assert.ThrowsAsync<EventIdConflictException>(() =>
            users.AppendAsync(new NewInteraction("u", "i1", InteractionKind.Rated, 3.5f, At(10), "same"), None)
        );
        await Assert.ThrowsAsync<EventIdConflictException>(() =>
            users.AppendAsync(new NewInteraction("u", "i1", InteractionKind.Watched, null, At(10), "same"), None)
        );

        Assert.Equal("same", otherItem.EventId);
        Assert.Equal(["i1"], (await users.FindAsync("u", 500, None))!.History);
        Assert.Single(await store.ReadLogAsync());
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task HistoryLimit_UserWith60000InteractionsOver50000Items_ReadsTheNewestAndStillKnowsEverySeenItem(
        StoreKind kind
    )
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var users = store.Open();
        await users.InitializeAsync(StoreSeeds.Heavy(), None);

        var heavy = await users.FindAsync("heavy", 500, None);
        var seen = await users.SeenAmongAsync("heavy", ["h0", "h12345", "h49999", "h9999", "never-seen", "i1"], None);
        var count = await users.AppendAsync(
            new NewInteraction("heavy", "fresh", InteractionKind.Purchased, null, At(3_000_000), "x"),
            None
        );
        var after = await users.FindAsync("heavy", 500, None);

        Assert.Equal(50_000, heavy!.ItemCount);
        Assert.True(heavy.HistoryTruncated);
        // the re-watched h499 … h0, h0 newest
        Assert.Equal(Enumerable.Range(0, 500).Reverse().Select(i => $"h{i}"), heavy.History);
        Assert.Equal(["h0", "h12345", "h49999", "h9999"], seen.Order(StringComparer.Ordinal));
        Assert.Equal(50_001, count.HistoryCount);
        Assert.Equal(["h1", "h0", "fresh"], after!.History.TakeLast(3));
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Log_RecordedInteractions_ReadBackWithEveryField(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var users = store.Open();
        await users.InitializeAsync(StoreSeeds.Small(), None);
        NewInteraction[] recorded =
        [
            new("u0", "i5", InteractionKind.Rated, 3.5f, At(1_700_000_000), "r1"),
            new("brand-new", "i6", InteractionKind.Purchased, null, At(1_700_000_100), "r2"),
            new("u0", "i5", InteractionKind.Watched, null, At(1_700_000_200), "r3"),
        ];
        foreach (var interaction in recorded)
        {
            await users.AppendAsync(interaction, None);
        }

        var log = await store.ReadLogAsync();

        Assert.Equal(
            recorded
                .Select(r => new RecordedInteraction(
                    r.UserId,
                    r.ItemId,
                    r.Kind,
                    r.Rating,
                    r.OccurredAt.ToUnixTimeSeconds(),
                    r.EventId
                ))
                .OrderBy(r => r.EventId),
            log.OrderBy(r => r.EventId)
        );
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task SetProfile_NewAndKnownUsers_SetsEveryField_AnUnknownFieldClears(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var users = store.Open();
        await users.InitializeAsync(StoreSeeds.Small(), None);

        var created = await users.SetProfileAsync("fresh", new ProfileFields("FR", 31, "F"), None);
        var again = await users.SetProfileAsync("fresh", new ProfileFields("FR", 31, "F"), None);
        var seeded = await users.SetProfileAsync("u3", new ProfileFields("DE", null, null), None);
        var reader = store.Open();
        var fresh = await reader.FindAsync("fresh", 500, None);
        var u3 = await reader.FindAsync("u3", 500, None);

        Assert.Equal((true, false, false), (created, again, seeded));
        Assert.Equal(("FR", 31, "F", 0), (fresh!.Country, fresh.Age, fresh.Gender, fresh.ItemCount));
        Assert.Equal(("DE", (int?)null, (string?)null), (u3!.Country, u3.Age, u3.Gender));
        Assert.Equal(StoreSeeds.HistoryOf(StoreSeeds.Small(), 3), u3.History); // the history is not touched
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task DeleteUser_LeavesNothingOfTheUser_AndRecordsTheErasureForTraining(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var users = store.Open();
        await users.InitializeAsync(StoreSeeds.Small(), None);
        await users.AppendAsync(new NewInteraction("u3", "i77", InteractionKind.Watched, null, At(5_000), "e1"), None);
        await users.AppendAsync(new NewInteraction("u4", "i78", InteractionKind.Watched, null, At(5_001), "e2"), None);
        var seen = (await users.FindAsync("u3", 500, None))!.History;

        var existed = await users.DeleteUserAsync("u3", At(6_000), None);
        var unknown = await users.DeleteUserAsync("never-seen", At(6_001), None);
        var again = await users.DeleteUserAsync("u3", At(7_000), None);

        Assert.Equal((true, false, false), (existed, unknown, again));
        var reader = store.Open();
        Assert.Null(await reader.FindAsync("u3", 500, None));
        Assert.Empty(await reader.SeenAmongAsync("u3", seen, None));
        Assert.Equal(["e2"], (await store.ReadLogAsync()).Select(r => r.EventId)); // u3's log entry is gone
        Assert.NotNull(await reader.FindAsync("u4", 500, None)); // nobody else is touched
        Assert.Equal(
            [new Erasure("never-seen", 6_001), new Erasure("u3", 7_000)], // the latest erasure of each
            (await store.ReadErasuresAsync()).OrderBy(e => e.UserId, StringComparer.Ordinal)
        );

        // The same id again is a new user, and an event id of the erased user is not remembered.
        var back = await users.AppendAsync(
            new NewInteraction("u3", "i80", InteractionKind.Watched, null, At(8_000), "e1"),
            None
        );
        Assert.Equal(new RecordResult(1, Replayed: false), back);
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Catalog_HiddenShownAndDeletedItems_ReadBackAsTheChangesSinceAVersion(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        await store.Open().InitializeAsync(StoreSeeds.Small(), None);
        var catalog = (ICatalogStore)store.Open();
        var empty = await catalog.CatalogVersionAsync(None);

        var v1 = await catalog.SetAvailabilityAsync(["i1", "i2"], available: false, None);
        var v2 = await catalog.DeleteItemsAsync(["i3"], None);
        var v3 = await catalog.SetAvailabilityAsync(["i2", "i3"], available: true, None); // i3 stays deleted
        var reader = (ICatalogStore)store.Open();
        var all = await reader.ReadCatalogChangesAsync(0, None);
        var sinceTwo = await reader.ReadCatalogChangesAsync(2, None);
        var none = await reader.ReadCatalogChangesAsync(3, None);

        Assert.Equal((0L, 1L, 2L, 3L), (empty, v1, v2, v3));
        Assert.Equal(3, await reader.CatalogVersionAsync(None));
        Assert.Equal(
            [new("i1", false, false), new("i2", true, false), new CatalogItemState("i3", true, true)],
            all.Items.OrderBy(i => i.ItemId, StringComparer.Ordinal)
        );
        Assert.Equal(3, all.Version);
        Assert.Equal(["i2", "i3"], sinceTwo.Items.Select(i => i.ItemId).Order(StringComparer.Ordinal));
        Assert.Equal((3L, 0), (none.Version, none.Items.Count));
        Assert.Equal(
            [false, true, false],
            all.Items.OrderBy(i => i.ItemId, StringComparer.Ordinal).Select(i => i.Served)
        );
    }

    [Theory, SqliteStore, RedisStore, RedisClusterStore]
    public async Task Catalog_UpsertedItems_ReadBackWithMetadataAndOrdinalsKeptForGood(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        await store.Open().InitializeAsync(StoreSeeds.Small(), None);
        var catalog = (ICatalogStore)store.Open();
        var until = DateTimeOffset.FromUnixTimeSeconds(2_000_000_000);
        CatalogItemMetadata Metadata(string title) =>
            new(title, ["Drama", "New"], 2026, new Dictionary<string, string> { ["price"] = "9.5" }, null, until);

        var v1 = await catalog.UpsertItemsAsync(
            [new("n1", Metadata("One"), Available: true), new("n2", Metadata("Two"), Available: false)],
            None
        );
        var v2 = await catalog.DeleteItemsAsync(["n2"], None);
        var v3 = await catalog.UpsertItemsAsync(
            [new("n1", Metadata("One, renamed"), Available: true), new("n2", Metadata("Two"), Available: true)],
            None
        );
        var v4 = await catalog.UpsertItemsAsync([new("n3", Metadata("Three"), Available: true)], None);
        var all = (await ((ICatalogStore)store.Open()).ReadCatalogChangesAsync(0, None))
            .Items.OrderBy(i => i.ItemId, StringComparer.Ordinal)
            .ToList();

        Assert.Equal((1L, 2L, 3L, 4L), (v1, v2, v3, v4));
        Assert.Equal(["n1", "n2", "n3"], all.Select(i => i.ItemId));
        Assert.Equal([0L, 1L, 2L], all.Select(i => i.Ordinal)); // first upsert's order, not changed by the second
        Assert.Equal([true, false, true], all.Select(i => i.Served)); // n2 stays deleted
        var n1 = all[0].Metadata!;
        Assert.Equal(("One, renamed", 2026, until), (n1.Title, n1.Year, n1.AvailableUntil));
        Assert.Equal(["Drama", "New"], n1.Categories);
        Assert.Equal("9.5", n1.Attributes["price"]);
        Assert.False(all[0].ServedAt(until));
        Assert.True(all[0].ServedAt(until.AddSeconds(-1)));
    }

    [Theory, SqliteStore, RedisStore]
    public async Task Catalog_ConcurrentWritersThroughSeveralClients_EachWriteGetsItsOwnVersion(StoreKind kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        await store.Open().InitializeAsync(StoreSeeds.Small(), None);

        var versions = await Task.WhenAll(
                Enumerable
                    .Range(0, 4)
                    .Select(writer =>
                        Task.Run(async () =>
                        {
                            var catalog = (ICatalogStore)store.Open();
                            var mine = new List<long>();
                            for (var i = 0; i < 10; i++)
                            {
                                mine.Add(await catalog.SetAvailabilityAsync([$"w{writer}-{i}"], false, None));
                            }

                            return mine;
                        })
                    )
            )
            .WithTimeout();

        Assert.Equal(Enumerable.Range(1, 40).Select(v => (long)v), versions.SelectMany(v => v).Order());
        var changes = await ((ICatalogStore)store.Open()).ReadCatalogChangesAsync(0, None);
        Assert.Equal((40L, 40), (changes.Version, changes.Items.Count));
    }

    private static DateTimeOffset At(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);
}
