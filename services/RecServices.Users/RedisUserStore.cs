using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using RecServices.Core.Data;
using StackExchange.Redis;

namespace RecServices.Users;

/// <summary>
/// The user store in Redis (standalone, Sentinel-managed or Cluster; key layout in <see cref="RedisKeys"/>), shared by
/// every gateway replica. A write is one Lua script on the user's slot: dedup on the event id, the history, the
/// profile marker and the log entry together or not at all. It is acknowledged when Redis answers the script, which
/// with <c>appendonly yes</c> and <c>appendfsync always</c> is after the AOF is fsynced.
/// </summary>
public sealed class RedisUserStore : IUserStore, IInteractionLog, ICatalogStore
{
    private static readonly TimeSpan LockLease = TimeSpan.FromSeconds(30);
    private static readonly RedisValue[] ProfileFields = ["since", "country", "age", "gender"];
    private const int SeedBatch = 512;
    private const int LogPage = 1000;
    private static readonly TimeSpan LogConnectWait = TimeSpan.FromSeconds(60);

    private readonly ConfigurationOptions _options;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly Lazy<Task<ConnectionMultiplexer>> _monitoring;
    private readonly UserStoreLimits _limits;
    private readonly TimeProvider _time;

    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. "127.0.0.1:6379" or
    /// "redis-0:6379,redis-1:6379,ssl=true".</param>
    /// <param name="limits">What bounds each user's keys (<see cref="UserStoreLimits.Default"/> when null).</param>
    /// <param name="time">The clock of event ids' retention.</param>
    /// <param name="access">The ACL user and password (when not in the configuration string) and the CA of the
    /// server's certificate.</param>
    public RedisUserStore(
        string configuration,
        UserStoreLimits? limits = null,
        TimeProvider? time = null,
        RedisAccess? access = null
    )
    {
        _options = ParseConfiguration(configuration);
        if (!string.IsNullOrEmpty(access?.User))
        {
            _options.User ??= access.User;
        }

        if (!string.IsNullOrEmpty(access?.Password))
        {
            _options.Password ??= access.Password;
        }

        if (!string.IsNullOrEmpty(access?.CaPath))
        {
            _options.TrustIssuer(access.CaPath); // the server's chain must end at this CA
        }

        _limits = limits ?? UserStoreLimits.Default;
        _time = time ?? TimeProvider.System;
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(_options));
        _monitoring = new Lazy<Task<ConnectionMultiplexer>>(() =>
        {
            // INFO is an "admin" command to the client (not to the server's ACL): its own connection, for the gauge
            var monitoring = _options.Clone();
            monitoring.AllowAdmin = true;
            monitoring.ClientName = _options.ClientName + "-monitoring";
            return ConnectionMultiplexer.ConnectAsync(monitoring);
        });
    }

    /// <summary>
    /// Parses a configuration string (throws <see cref="ArgumentException"/> naming the problem). The connection
    /// keeps retrying in the background when Redis is down at start, instead of failing once.
    /// </summary>
    public static ConfigurationOptions ParseConfiguration(string configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration))
        {
            throw new ArgumentException("the Redis configuration is empty; give host:port, e.g. 127.0.0.1:6379");
        }

        var options = ConfigurationOptions.Parse(configuration);
        if (options.EndPoints.Count == 0)
        {
            throw new ArgumentException(
                $"the Redis configuration '{Describe(options)}' names no endpoint; give host:port, e.g. "
                    + "127.0.0.1:6379"
            );
        }

        options.AbortOnConnectFail = false;
        options.ClientName ??= "recservices";
        options.SetClientLibrary = false; // no CLIENT SETINFO: the store's ACL user runs its own commands only
        options.IncludeDetailInExceptions = false; // failures are logged: no keys (user ids) in their messages
        return options;
    }

    public async Task<bool> InitializeAsync(UserStoreSeed seed, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync();
        var token = Guid.NewGuid().ToString("N");
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await Guard(() => db.KeyExistsAsync(RedisKeys.SeedMarker)))
            {
                return false;
            }

            // One initialiser takes the lock; the others poll the marker. A seeder that dies loses the lock when its
            // lease runs out and the next initialiser seeds again: every seed write is idempotent.
            if (await Guard(() => db.StringSetAsync(RedisKeys.SeedLock, token, LockLease, When.NotExists)))
            {
                try
                {
                    if (await Guard(() => db.KeyExistsAsync(RedisKeys.SeedMarker)))
                    {
                        return false;
                    }

                    await SeedAsync(db, seed, token, cancellationToken);
                    return true;
                }
                finally
                {
                    await Guard(() => db.ScriptEvaluateAsync(RedisScripts.Release, [RedisKeys.SeedLock], [token]));
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    public async Task<StoredUser?> FindAsync(string userId, int historyLimit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(historyLimit);
        var db = await DatabaseAsync();
        var profile = db.HashGetAsync(RedisKeys.Profile(userId), ProfileFields);
        var count = db.SortedSetLengthAsync(RedisKeys.History(userId));
        var items =
            historyLimit == 0
                ? Task.FromResult(Array.Empty<RedisValue>())
                : db.SortedSetRangeByRankAsync(RedisKeys.History(userId), -historyLimit, -1);
        var (fields, total, newest) = (await Guard(() => profile), await Guard(() => count), await Guard(() => items));
        if (fields[0].IsNull && total == 0)
        {
            return null;
        }

        int? age = fields[2].IsNull ? null : int.Parse((string)fields[2]!, CultureInfo.InvariantCulture);
        return new StoredUser(
            userId,
            (string?)fields[1],
            age,
            (string?)fields[3],
            newest.Select(v => (string)v!).ToArray(),
            (int)total
        );
    }

    public async Task<IReadOnlySet<string>> SeenAmongAsync(
        string userId,
        IReadOnlyList<string> itemIds,
        CancellationToken cancellationToken
    )
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (itemIds.Count == 0)
        {
            return seen;
        }

        var db = await DatabaseAsync();
        var scores = await Guard(() =>
            db.SortedSetScoresAsync(RedisKeys.History(userId), itemIds.Select(id => (RedisValue)id).ToArray())
        );
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i].HasValue)
            {
                seen.Add(itemIds[i]);
            }
        }

        return seen;
    }

    public async Task<RecordResult> AppendAsync(NewInteraction interaction, CancellationToken cancellationToken)
    {
        var seconds = interaction.OccurredAt.ToUnixTimeSeconds();
        HistoryScore.Base(seconds); // throws for a time the score cannot carry
        var db = await DatabaseAsync();
        var user = interaction.UserId;
        var signature = interaction.Signature;
        var reply = (RedisResult[])
            (
                await Guard(() =>
                    db.ScriptEvaluateAsync(
                        RedisScripts.Append,
                        [
                            RedisKeys.Profile(user),
                            RedisKeys.History(user),
                            RedisKeys.Events(user),
                            RedisKeys.Log(user),
                            RedisKeys.EventTimes(user),
                        ],
                        [
                            interaction.ItemId,
                            (int)interaction.Kind,
                            interaction.Rating is { } stars
                                ? stars.ToString("R", CultureInfo.InvariantCulture)
                                : string.Empty,
                            seconds,
                            interaction.EventId,
                            signature,
                            HistoryScore.TicksPerSecond,
                            _time.GetUtcNow().ToUnixTimeMilliseconds(),
                            (long)_limits.EventIdRetention.TotalMilliseconds,
                            _limits.LogPerUser,
                        ]
                    )
                )
            )!;
        if ((int)reply[0] == 1)
        {
            return new RecordResult((int)reply[1], Replayed: false);
        }

        // "count signature" of the first call with this event id.
        var prior = (string)reply[1]!;
        var space = prior.IndexOf(' ', StringComparison.Ordinal);
        return prior[(space + 1)..] == signature
            ? new RecordResult(int.Parse(prior.AsSpan(0, space), CultureInfo.InvariantCulture), Replayed: true)
            : throw new EventIdConflictException(interaction.EventId);
    }

    public async IAsyncEnumerable<RecordedInteraction> ReadAllAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var connection = await _connection.Value;
        var db = connection.GetDatabase();

        // a training Job may start with Redis (or start while the machine is busy): wait for every primary a while
        var clock = Stopwatch.StartNew();
        var primaries = connection.GetServers().Where(s => !s.IsReplica).ToList();
        while (primaries.Count == 0 || primaries.Any(s => !s.IsConnected))
        {
            if (clock.Elapsed > LogConnectWait)
            {
                throw new UserStoreUnavailableException(
                    $"cannot read the interaction log: not every Redis primary of '{Describe(_options)}' is "
                        + $"connected after {LogConnectWait.TotalSeconds:F0} s"
                );
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            primaries = connection.GetServers().Where(s => !s.IsReplica).ToList();
        }

        foreach (var server in primaries)
        {
            // SCAN on every primary: each holds the logs of its own slots.
            await foreach (
                var key in server
                    .KeysAsync(db.Database, RedisKeys.LogPattern, pageSize: LogPage)
                    .WithCancellation(cancellationToken)
            )
            {
                if (RedisKeys.UserOfLog(key!) is not { } user)
                {
                    continue;
                }

                RedisValue from = "-";
                while (true)
                {
                    var entries = await Guard(() => db.StreamRangeAsync(key, from, "+", LogPage));
                    foreach (var entry in entries)
                    {
                        yield return ToInteraction(user, entry);
                    }

                    if (entries.Length < LogPage)
                    {
                        break;
                    }

                    from = "(" + entries[^1].Id;
                }
            }
        }
    }

    public async IAsyncEnumerable<Erasure> ReadErasuresAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var db = (await _connection.Value).GetDatabase();
        await foreach (
            var entry in db.HashScanAsync(RedisKeys.Erasures, pageSize: LogPage).WithCancellation(cancellationToken)
        )
        {
            yield return new Erasure(entry.Name!, (long)entry.Value);
        }
    }

    public async Task<bool> SetProfileAsync(string userId, ProfileFields profile, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync();
        var created = await Guard(() =>
            db.ScriptEvaluateAsync(
                RedisScripts.SetProfile,
                [RedisKeys.Profile(userId)],
                [
                    _time.GetUtcNow().ToUnixTimeSeconds(),
                    profile.Country ?? string.Empty,
                    profile.Age is { } age ? age.ToString(CultureInfo.InvariantCulture) : string.Empty,
                    profile.Gender ?? string.Empty,
                ]
            )
        );
        return (int)created == 1;
    }

    /// <summary>
    /// Records the erasure first (the latest time wins), then deletes every key of the user in one command: a
    /// failure between the two leaves an erasure to retry, never a deletion training does not know of.
    /// </summary>
    public async Task<bool> DeleteUserAsync(string userId, DateTimeOffset erasedAt, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync();
        var at = erasedAt.ToUnixTimeSeconds();
        var recorded = await Guard(() => db.HashGetAsync(RedisKeys.Erasures, userId));
        if (recorded.IsNull || (long)recorded < at)
        {
            await Guard(() => db.HashSetAsync(RedisKeys.Erasures, userId, at));
        }

        return await Guard(() => db.KeyDeleteAsync(RedisKeys.OfUser(userId))) > 0;
    }

    public Task<long> SetAvailabilityAsync(
        IReadOnlyList<string> itemIds,
        bool available,
        CancellationToken cancellationToken
    ) => CatalogWriteAsync(available ? "available" : "hidden", itemIds);

    public Task<long> DeleteItemsAsync(IReadOnlyList<string> itemIds, CancellationToken cancellationToken) =>
        CatalogWriteAsync("deleted", itemIds);

    public async Task<long> UpsertItemsAsync(
        IReadOnlyList<CatalogItemUpsert> items,
        CancellationToken cancellationToken
    )
    {
        var db = await DatabaseAsync();
        var args = new RedisValue[items.Count * 3];
        for (var i = 0; i < items.Count; i++)
        {
            (args[3 * i], args[(3 * i) + 1], args[(3 * i) + 2]) = (
                items[i].ItemId,
                items[i].Available ? "1" : "0",
                items[i].Metadata.ToJson()
            );
        }

        return (long)await Guard(() => db.ScriptEvaluateAsync(RedisScripts.CatalogUpsert, RedisKeys.Catalog, args));
    }

    public async Task<long> CatalogVersionAsync(CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync();
        var version = await Guard(() => db.StringGetAsync(RedisKeys.Catalog[0]));
        return version.IsNull ? 0 : (long)version;
    }

    public async Task<CatalogChanges> ReadCatalogChangesAsync(long since, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync();
        var reply = (RedisResult[])
            (await Guard(() => db.ScriptEvaluateAsync(RedisScripts.CatalogChanges, RedisKeys.Catalog, [since])))!;
        var items = new List<CatalogItemState>((reply.Length - 1) / 4);
        for (var i = 1; i + 3 < reply.Length; i += 4)
        {
            var (state, metadata) = ((string)reply[i + 1]!, (string)reply[i + 2]!);
            items.Add(
                new CatalogItemState(
                    (string)reply[i]!,
                    state[0] == '1',
                    state[2] == '1',
                    metadata.Length == 0 ? null : CatalogItemMetadata.FromJson(metadata),
                    long.Parse((string)reply[i + 3]!, System.Globalization.CultureInfo.InvariantCulture)
                )
            );
        }

        return new CatalogChanges((long)reply[0], items);
    }

    private async Task<long> CatalogWriteAsync(string change, IReadOnlyList<string> itemIds)
    {
        var db = await DatabaseAsync();
        RedisValue[] args = [change, .. itemIds.Select(id => (RedisValue)id)];
        return (long)await Guard(() => db.ScriptEvaluateAsync(RedisScripts.CatalogWrite, RedisKeys.Catalog, args));
    }

    public async Task<StoreDurability> DescribeDurabilityAsync(CancellationToken cancellationToken)
    {
        // CONFIG is an admin command: read it once over a short-lived admin connection, so the serving one is not.
        var admin = _options.Clone();
        admin.AllowAdmin = true;
        admin.ClientName = _options.ClientName + "-config";
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(admin);
            var server =
                connection.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica)
                ?? throw new UserStoreUnavailableException("no Redis primary is connected");
            var settings = (await server.ConfigGetAsync("append*")).ToDictionary(
                p => p.Key,
                p => p.Value,
                StringComparer.OrdinalIgnoreCase
            );
            var appendOnly = settings.GetValueOrDefault("appendonly", "unknown");
            var fsync = settings.GetValueOrDefault("appendfsync", "unknown");
            return new StoreDurability(
                appendOnly == "yes" && fsync == "always",
                $"Redis {server.EndPoint}: appendonly {appendOnly}, appendfsync {fsync}"
            );
        }
        catch (Exception e) when (e is RedisException or RedisCommandException or UserStoreUnavailableException)
        {
            // Managed services often rename or forbid CONFIG: the provider's persistence settings apply.
            return new StoreDurability(
                false,
                $"Redis persistence settings not readable ({e.Message}); the provider's persistence applies"
            );
        }
    }

    public async Task<StoreFill> FillAsync(CancellationToken cancellationToken)
    {
        var connection = await Guard(() => _monitoring.Value);
        var (used, limit) = (0L, 0L);
        foreach (var server in connection.GetServers().Where(s => !s.IsReplica))
        {
            // INFO memory: used_memory, maxmemory (0 when unset), total_system_memory
            var info = (await Guard(() => server.InfoAsync("memory")))
                .SelectMany(group => group)
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            long Read(string key) =>
                info.TryGetValue(key, out var value)
                && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                    ? n
                    : 0;
            used += Read("used_memory");
            limit += Read("maxmemory") is > 0 and var max ? max : Read("total_system_memory");
        }

        return new StoreFill(used, limit);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in new[] { _connection, _monitoring }.Where(l => l.IsValueCreated))
        {
            var connection = await lazy.Value;
            await connection.CloseAsync();
            await connection.DisposeAsync();
        }
    }

    private static RecordedInteraction ToInteraction(string user, StreamEntry entry)
    {
        var rating = (string?)entry["rating"];
        return new RecordedInteraction(
            user,
            (string)entry["item"]!,
            (InteractionKind)(int)entry["kind"],
            string.IsNullOrEmpty(rating) ? null : float.Parse(rating, CultureInfo.InvariantCulture),
            (long)entry["at"],
            (string)entry["event"]!
        );
    }

    private async Task SeedAsync(IDatabase db, UserStoreSeed seed, string token, CancellationToken cancellationToken)
    {
        var (offsets, order) = seed.RowsByUser();
        var since = _time.GetUtcNow().ToUnixTimeSeconds();
        var pending = new List<Task>(SeedBatch);
        var lease = Stopwatch.StartNew();
        var (scores, nextInSecond) = (new Dictionary<int, long>(), new Dictionary<long, long>());
        for (var user = 0; user < seed.Users.Count; user++)
        {
            var profile = seed.Users[user];
            pending.Add(db.HashSetAsync(RedisKeys.Profile(profile.Id), ProfileEntries(profile, since)));
            HistoryScores(
                seed.Interactions,
                order.AsSpan(offsets[user], offsets[user + 1] - offsets[user]),
                scores,
                nextInSecond
            );
            foreach (var chunk in scores.Chunk(1000))
            {
                var entries = chunk.Select(s => new SortedSetEntry(seed.ItemIds[s.Key], s.Value)).ToArray();
                pending.Add(db.SortedSetAddAsync(RedisKeys.History(profile.Id), entries, SortedSetWhen.GreaterThan));
            }

            if (pending.Count >= SeedBatch)
            {
                await Guard(() => Task.WhenAll(pending));
                pending.Clear();
                cancellationToken.ThrowIfCancellationRequested();
                if (lease.Elapsed > LockLease / 3)
                {
                    await RenewSeedLockAsync(db, token);
                    lease.Restart();
                }
            }
        }

        await Guard(() => Task.WhenAll(pending));
        await Guard(() =>
            db.HashSetAsync(
                RedisKeys.SeedMarker,
                [
                    new HashEntry("seeded_from", seed.Version),
                    new HashEntry("seeded_at", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
                    new HashEntry("users", seed.Users.Count),
                    new HashEntry("interactions", seed.Interactions.Count),
                ]
            )
        );
    }

    /// <summary>The profile hash of a seeded user: when it was seeded, and the fields the profile has.</summary>
    private static HashEntry[] ProfileEntries(User profile, long since)
    {
        var fields = new List<HashEntry> { new("since", since) };
        if (profile.Country is { } country)
        {
            fields.Add(new HashEntry("country", country));
        }

        if (profile.Age is { } age)
        {
            fields.Add(new HashEntry("age", age));
        }

        if (profile.Gender is { } gender)
        {
            fields.Add(new HashEntry("gender", gender));
        }

        return [.. fields];
    }

    /// <summary>
    /// Into <paramref name="scores"/>: the history score of each item of one user's <paramref name="rows"/> (in
    /// time order), the score the append script would have given them, replayed.
    /// </summary>
    private static void HistoryScores(
        InteractionTable table,
        ReadOnlySpan<int> rows,
        Dictionary<int, long> scores,
        Dictionary<long, long> nextInSecond
    )
    {
        scores.Clear();
        nextInSecond.Clear();
        foreach (var row in rows)
        {
            var second = table.Timestamps[row];
            var tick = nextInSecond.GetValueOrDefault(second);
            nextInSecond[second] = Math.Min(tick + 1, HistoryScore.TicksPerSecond - 1);
            scores[table.Items[row]] = HistoryScore.Base(second) + tick;
        }
    }

    /// <summary>Extends the seed lock's lease; failing when another initialiser holds the lock now.</summary>
    private static async Task RenewSeedLockAsync(IDatabase db, string token)
    {
        var renewed = (int)
            await Guard(() =>
                db.ScriptEvaluateAsync(
                    RedisScripts.Renew,
                    [RedisKeys.SeedLock],
                    [token, (long)LockLease.TotalMilliseconds]
                )
            );
        if (renewed != 1)
        {
            throw new UserStoreUnavailableException(
                "lost the seed lock while seeding (a pause longer than its lease); another initialiser seeds instead"
            );
        }
    }

    private async Task<IDatabase> DatabaseAsync() => (await Guard(() => _connection.Value)).GetDatabase();

    /// <summary>
    /// Redis's own failures (no connection, a timeout, a refused write) as the store's one "unavailable" error.
    /// </summary>
    private static async Task<T> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // RedisTimeoutException is a TimeoutException, not a RedisException.
            throw new UserStoreUnavailableException($"the Redis user store failed: {e.Message}", e, ProblemOf(e));
        }
    }

    /// <summary>The configuration as it may be printed: endpoints and options, never the password.</summary>
    public static string Describe(ConfigurationOptions options) => options.ToString(includePassword: false);

    /// <summary>The kind of a Redis failure, in stable words.</summary>
    private static string ProblemOf(Exception e) =>
        e switch
        {
            RedisConnectionException c => $"Redis connection: {c.FailureType}",
            TimeoutException => "Redis timeout",
            RedisServerException s when s.Message.StartsWith("OOM", StringComparison.Ordinal) =>
                "Redis out of memory (maxmemory reached)",
            RedisServerException s
                when s.Message.StartsWith("NOAUTH", StringComparison.Ordinal)
                    || s.Message.StartsWith("WRONGPASS", StringComparison.Ordinal)
                    || s.Message.StartsWith("NOPERM", StringComparison.Ordinal) =>
                "Redis refused the credentials or the command",
            _ => e.GetType().Name,
        };

    private static async Task Guard(Func<Task> operation) =>
        await Guard(async () =>
        {
            await operation();
            return 0;
        });
}
