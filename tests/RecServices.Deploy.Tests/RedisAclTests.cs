using System.Diagnostics;
using RecServices.Core.Data;
using RecServices.LocalSystem;
using RecServices.Users;

namespace RecServices.Deploy.Tests;

/// <summary>
/// The Redis ACL the manifests deploy, run for real: the acl init container's own script writes the users file, a
/// redis-server loads it, and the store does everything the services and training do as the user "recs" (users,
/// the live catalog, erasures); the default user may only PING (the probes).
/// </summary>
public sealed class RedisAclTests
{
    private const string Password = "the-secret-from-redis-auth";

    [DeployCheckRedisFact]
    public async Task StoreUser_RunsEveryStoreOperation_DefaultUserOnlyPings()
    {
        var manifest = await RenderedManifests.LoadAsync("prod");
        var init = manifest.Named("StatefulSet", "redis")["spec"]!["template"]!["spec"]!["initContainers"]![0]!;
        var script = (string)init["command"]![2]!;
        var commands = (string)init["env"]!.AsArray().Single(e => (string)e!["name"]! == "RECS_COMMANDS")!["value"]!;
        using var directory = new TempDirectory();
        var aclFile = Path.Combine(directory.Path, "users.acl");
        await RunAsync(script.Replace("/etc/redis-acl/users.acl", aclFile, StringComparison.Ordinal), commands);

        await using var redis = await LocalRedis.StartAsync(settings: ["--aclfile", aclFile]);
        await using var store = new RedisUserStore(redis.Configuration, access: new RedisAccess("recs", Password));
        await using var anonymous = new RedisUserStore(redis.Configuration + ",connectTimeout=2000");

        var seed = new UserStoreSeed(
            "v1",
            [new User("u1", "FR", 30, "F")],
            ["i1", "i2", "i3"],
            Rows((0, 0, 100), (0, 1, 200))
        );
        Assert.True(await store.InitializeAsync(seed, CancellationToken.None));
        var recorded = await store.AppendAsync(
            new NewInteraction("u1", "i3", InteractionKind.Watched, null, DateTimeOffset.UtcNow, "e1"),
            CancellationToken.None
        );
        var replayed = await store.AppendAsync(
            new NewInteraction("u1", "i3", InteractionKind.Watched, null, DateTimeOffset.UtcNow, "e1"),
            CancellationToken.None
        );
        var user = await store.FindAsync("u1", 10, CancellationToken.None);
        var seen = await store.SeenAmongAsync("u1", ["i1", "i2", "i9"], CancellationToken.None);
        var log = new List<RecordedInteraction>();
        await foreach (var entry in store.ReadAllAsync(CancellationToken.None))
        {
            log.Add(entry);
        }

        // the catalog service's writes and every service's live-catalog reads, and an erasure training reads back
        var hidden = await store.SetAvailabilityAsync(["i2"], available: false, CancellationToken.None);
        var deleted = await store.DeleteItemsAsync(["i1"], CancellationToken.None);
        var metadata = new CatalogItemMetadata("New", ["Drama"], 2026, new Dictionary<string, string>(), null, null);
        var upserted = await store.UpsertItemsAsync(
            [new CatalogItemUpsert("new", metadata, Available: true)],
            CancellationToken.None
        );
        var changes = await store.ReadCatalogChangesAsync(0, CancellationToken.None);
        var version = await store.CatalogVersionAsync(CancellationToken.None);
        var profiled = await store.SetProfileAsync("u2", new ProfileFields("DE", 40, "M"), CancellationToken.None);
        var erased = await store.DeleteUserAsync("u2", DateTimeOffset.UtcNow, CancellationToken.None);
        var erasures = new List<Erasure>();
        await foreach (var erasure in store.ReadErasuresAsync(CancellationToken.None))
        {
            erasures.Add(erasure);
        }

        var fill = await store.FillAsync(CancellationToken.None);
        var durability = await store.DescribeDurabilityAsync(CancellationToken.None);
        var refused = await Assert.ThrowsAsync<UserStoreUnavailableException>(() =>
            anonymous.FindAsync("u1", 10, CancellationToken.None)
        );

        Assert.Equal((3, false), (recorded.HistoryCount, recorded.Replayed));
        Assert.True(replayed.Replayed);
        Assert.Equal(["i1", "i2", "i3"], user!.History);
        Assert.Equal(["i1", "i2"], seen.Order());
        Assert.Equal("e1", Assert.Single(log).EventId);
        Assert.True(fill.UsedBytes > 0 && fill.LimitBytes > fill.UsedBytes);
        Assert.Equal((1L, 2L, 3L, 3L, 3), (hidden, deleted, upserted, version, changes.Items.Count));
        Assert.Equal(0, changes.Items.Single(i => i.ItemId == "new").Ordinal);
        Assert.Equal((true, true), (profiled, erased));
        Assert.Equal("u2", Assert.Single(erasures).UserId);
        Assert.False(durability.EveryWriteSynced); // CONFIG is not the store's to read: the provider's settings apply
        // refused at the handshake (the default user may not even say hello; the client may then report that it could
        // not connect at all) or at the first command
        Assert.Contains(
            refused.Problem,
            new[]
            {
                "Redis connection: ProtocolFailure",
                "Redis connection: UnableToConnect",
                "Redis refused the credentials or the command",
            }
        );
    }

    private static InteractionTable Rows(params (int User, int Item, long At)[] rows)
    {
        var table = new InteractionTable(rows.Length);
        foreach (var (u, i, at) in rows)
        {
            table.Add(u, i, 1, at, InteractionKind.Watched);
        }

        return table;
    }

    private static async Task RunAsync(string script, string commands)
    {
        var start = new ProcessStartInfo("sh", ["-c", script]) { RedirectStandardError = true };
        start.Environment["REDIS_PASSWORD"] = Password;
        start.Environment["RECS_COMMANDS"] = commands;
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WithTimeout();
        Assert.True(process.ExitCode == 0, error);
    }
}
