using StackExchange.Redis;

namespace RecServices.Users;

/// <summary>
/// The Redis key layout. Everything of one user is under the hash tag <c>{u:&lt;user id&gt;}</c>, so one request's
/// reads and its write each touch one Redis Cluster slot (one script or one pipeline to one shard):
/// <list type="bullet">
/// <item><c>recs:{u:ID}:profile</c>, hash: <c>since</c> (when the store first knew the user, Unix seconds; present for
/// every known user), <c>country</c>, <c>age</c>, <c>gender</c> when known;</item>
/// <item><c>recs:{u:ID}:history</c>, sorted set: every distinct item the user ever interacted with, scored by its
/// latest time (<see cref="HistoryScore"/>): the newest N for serving, membership for filtering seen items;</item>
/// <item><c>recs:{u:ID}:events</c>, hash: event id → the answer given and what the event was, for idempotent
/// retries; <c>recs:{u:ID}:event-times</c>, sorted set: event id → when it was recorded (ms), to forget ids past the
/// retention (<see cref="UserStoreLimits"/>); both expire when the user writes nothing for the retention;</item>
/// <item><c>recs:{u:ID}:log</c>, stream: the user's newest recorded interactions (event, item, kind, rating, at), the
/// interaction log training reads (seeded interactions are not in it: they are in the dataset already);</item>
/// <item><c>recs:{catalog}:version</c>, counter: the live catalog's version; <c>recs:{catalog}:items</c>, hash:
/// item id → "available,deleted" ("1,0": served); <c>recs:{catalog}:changes</c>, sorted set: item id → the version of
/// its latest change (one slot for the three: a write and a read are each one script);</item>
/// <item><c>recs:{erasures}</c>, hash: user id → when the user was erased (Unix seconds), which training honours;</item>
/// <item><c>recs:{seed}</c>, hash: the version the store was seeded from, when, and how many users and rows;
/// <c>recs:{seed}:lock</c>: held (with a lease) by the one initialiser seeding.</item>
/// </list>
/// Since no suffix holds a '}', a key names one user and one part whatever characters the id holds.
/// </summary>
public static class RedisKeys
{
    public const string SeedMarker = "recs:{seed}";
    public const string SeedLock = "recs:{seed}:lock";
    public const string Erasures = "recs:{erasures}";

    /// <summary>
    /// The live catalog's keys: version, item states ("available,deleted"), changes (ids by version), upserted items'
    /// metadata (JSON) and ordinals, the next ordinal.
    /// </summary>
    public static readonly RedisKey[] Catalog =
    [
        "recs:{catalog}:version",
        "recs:{catalog}:items",
        "recs:{catalog}:changes",
        "recs:{catalog}:metadata",
        "recs:{catalog}:ordinals",
        "recs:{catalog}:next-ordinal",
    ];

    /// <summary>The pattern that SCAN matches every user's log with.</summary>
    public const string LogPattern = "recs:{u:*}:log";

    private const string UserPrefix = "recs:{u:";
    private const string LogSuffix = "}:log";

    public static RedisKey Profile(string userId) => UserPrefix + userId + "}:profile";

    public static RedisKey History(string userId) => UserPrefix + userId + "}:history";

    public static RedisKey Events(string userId) => UserPrefix + userId + "}:events";

    public static RedisKey EventTimes(string userId) => UserPrefix + userId + "}:event-times";

    public static RedisKey Log(string userId) => UserPrefix + userId + LogSuffix;

    /// <summary>Every key of one user (one cluster slot): what erasing them deletes.</summary>
    public static RedisKey[] OfUser(string userId) =>
        [Profile(userId), History(userId), Events(userId), EventTimes(userId), Log(userId)];

    /// <summary>The user a log key belongs to, or null for any other key.</summary>
    public static string? UserOfLog(string key) =>
        key.StartsWith(UserPrefix, StringComparison.Ordinal)
        && key.EndsWith(LogSuffix, StringComparison.Ordinal)
        && key.Length > UserPrefix.Length + LogSuffix.Length - 1
            ? key[UserPrefix.Length..^LogSuffix.Length]
            : null;
}
