using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.LocalSystem;
using RecServices.Users;

namespace RecServices.Cli.Tests;

/// <summary>
/// <c>recs train --interactions</c>: the next bundle learns from what the gateways recorded, from either store, with
/// the items the catalog service added, and holds nothing of the users erased there.
/// </summary>
[Collection(SerialCollection.Name)] // not beside the in-process evaluations, whose work starved its redis-server wait
public sealed class TrainWithInteractionsTests
{
    private static readonly string[] SmallSynthetic =
    [
        "--synthetic-users",
        "150",
        "--synthetic-items",
        "200",
        "--synthetic-interactions",
        "4000",
        "--epochs",
        "2",
        "--dim",
        "8",
    ];

    [Theory]
    [InlineData("sqlite")]
    [RedisInlineData("redis")]
    public async Task Train_StoreWithRecordedInteractionsAndAnErasure_BundleHasTheirUsersAndInteractions_NotTheErased(
        string kind
    )
    {
        using var dir = new TempDirectory();
        await using var redis =
            kind == "redis" ? await LocalRedis.StartAsync().WithTimeout(TaskTimeouts.LocalRedisStart) : null;
        var storeArgument =
            kind == "redis" ? UserStores.RedisScheme + redis!.Configuration : Path.Combine(dir.Path, "users.db");
        await using (
            IUserStore store =
                kind == "redis" ? new RedisUserStore(redis!.Configuration) : new SqliteUserStore(storeArgument)
        )
        {
            await store.InitializeAsync(
                new UserStoreSeed("empty", [], [], new InteractionTable(0)),
                CancellationToken.None
            );
            NewInteraction[] recorded =
            [
                new(
                    "newcomer",
                    "i5",
                    InteractionKind.Watched,
                    null,
                    DateTimeOffset.FromUnixTimeSeconds(1_800_000_000),
                    "a"
                ),
                new(
                    "newcomer",
                    "i6",
                    InteractionKind.Rated,
                    4.5f,
                    DateTimeOffset.FromUnixTimeSeconds(1_800_000_100),
                    "b"
                ),
                new(
                    "u3",
                    "i7",
                    InteractionKind.Purchased,
                    null,
                    DateTimeOffset.FromUnixTimeSeconds(1_800_000_200),
                    "c"
                ),
                new(
                    "newcomer",
                    "added-through-the-catalog-service",
                    InteractionKind.Watched,
                    null,
                    DateTimeOffset.FromUnixTimeSeconds(1_800_000_250),
                    "e"
                ),
                new(
                    "newcomer",
                    "not-in-the-catalog",
                    InteractionKind.Watched,
                    null,
                    DateTimeOffset.FromUnixTimeSeconds(1_800_000_300),
                    "d"
                ),
            ];
            await ((ICatalogStore)store).UpsertItemsAsync(
                [
                    new(
                        "added-through-the-catalog-service",
                        new CatalogItemMetadata(
                            "Added today",
                            ["A new category"],
                            2026,
                            new Dictionary<string, string>(),
                            null,
                            null
                        ),
                        Available: true
                    ),
                ],
                CancellationToken.None
            );
            foreach (var interaction in recorded)
            {
                await store.AppendAsync(interaction, CancellationToken.None);
            }

            // u7 is a user of the dataset (the store of this test was never seeded with them): erased all the same
            await store.DeleteUserAsync(
                "u7",
                DateTimeOffset.FromUnixTimeSeconds(1_900_000_000),
                CancellationToken.None
            );
        }

        var baseBundle = Path.Combine(dir.Path, "base");
        var withLog = Path.Combine(dir.Path, "with-log");
        var before = await Recs.RunAsync(["train", "--data", "synthetic", "--out", baseBundle, .. SmallSynthetic]);
        var after = await Recs.RunAsync([
            "train",
            "--data",
            "synthetic",
            "--interactions",
            storeArgument,
            "--out",
            withLog,
            .. SmallSynthetic,
        ]);

        Assert.True(before.ExitCode == 0, before.Error);
        Assert.True(after.ExitCode == 0, after.Error);
        Assert.Contains(
            "recorded interactions: 5 read, 4 added (1 new users), 1 skipped because their item is not "
                + "in the catalog (1 distinct ids), 0 folded into a newer event of the same user and item; "
                + "erasures: 1 recorded, 1 users and ",
            after.Output
        );
        var (old, fresh) = (
            Bundle.LoadServed(baseBundle, BundleParts.Users),
            Bundle.LoadServed(withLog, BundleParts.Users)
        );
        var erasedRows = old.Interactions!.Users.ToArray().Count(u => old.Users![u].Id == "u7");
        Assert.True(erasedRows > 0);
        Assert.Contains($"1 users and {erasedRows} rows left out", after.Output);
        Assert.Equal(old.Users!.Count + 1 - 1, fresh.Users!.Count); // the newcomer in, u7 out
        Assert.DoesNotContain(fresh.Users, u => u.Id == "u7");
        Assert.Equal(old.Interactions.Count + 4 - erasedRows, fresh.Interactions!.Count);
        Assert.Contains(
            "catalog service: 1 items added and 0 updated with their metadata, 1 new categories",
            after.Output
        );
        Assert.Equal(old.Catalog.Count + 1, fresh.Catalog.Count);
        var added = fresh.Catalog.Items[fresh.Catalog.Index["added-through-the-catalog-service"]];
        Assert.Equal(("Added today", 2026), (added.Title, added.Year));
        Assert.Equal(["A new category"], added.Categories.Select(g => fresh.Catalog.Categories[g]));
        var newcomer = fresh.Users.Select((u, i) => (u.Id, i)).Single(u => u.Id == "newcomer").i;
        var rows = Enumerable
            .Range(0, fresh.Interactions.Count)
            .Where(r => fresh.Interactions.Users[r] == newcomer)
            .Select(r =>
                (
                    fresh.Catalog.Items[fresh.Interactions.Items[r]].Id,
                    fresh.Interactions.Kinds[r],
                    fresh.Interactions.Ratings[r],
                    fresh.Interactions.Timestamps[r]
                )
            )
            .ToList();
        Assert.Equal(
            [
                ("i5", InteractionKind.Watched, 1f, 1_800_000_000L),
                ("i6", InteractionKind.Rated, 4.5f, 1_800_000_100L),
                ("added-through-the-catalog-service", InteractionKind.Watched, 1f, 1_800_000_250L),
            ],
            rows
        );
        Assert.Contains("+recorded(4)", fresh.Manifest.Dataset.Name);
        Assert.NotEqual(old.Manifest.Dataset.Fingerprint, fresh.Manifest.Dataset.Fingerprint);
    }

    [Fact]
    public async Task Train_InteractionsFromAStoreThatIsNotThere_ExitsOneNamingIt()
    {
        using var dir = new TempDirectory();
        var missing = Path.Combine(dir.Path, "nope.db");

        var result = await Recs.RunAsync([
            "train",
            "--data",
            "synthetic",
            "--interactions",
            missing,
            "--out",
            Path.Combine(dir.Path, "b"),
            .. SmallSynthetic,
        ]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"no user store at '{missing}'", result.Error);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "b")));
    }
}
