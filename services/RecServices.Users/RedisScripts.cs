namespace RecServices.Users;

/// <summary>
/// The Lua scripts of <see cref="RedisUserStore"/>: each touches one user's keys only (one cluster slot) and runs
/// atomically.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Records one interaction. KEYS: profile, history, events, log. ARGV: item, kind, rating ('' when none), time in
    /// seconds, event id, signature, ticks per second. Returns {1, history count} when recorded, {0, "count signature"}
    /// when the event id was recorded before.
    /// </summary>
    public const string Append = """
        local prior = redis.call('HGET', KEYS[3], ARGV[5])
        if prior then
          return {0, prior}
        end
        local ticks = tonumber(ARGV[7])
        local base = tonumber(ARGV[4]) * ticks
        local newest = redis.call('ZRANGE', KEYS[2], base + ticks - 1, base, 'BYSCORE', 'REV', 'LIMIT', 0, 1, 'WITHSCORES')
        local score = base
        if newest[2] then
          score = math.min(tonumber(newest[2]) + 1, base + ticks - 1)
        end
        redis.call('ZADD', KEYS[2], 'GT', score, ARGV[1])
        redis.call('HSETNX', KEYS[1], 'since', ARGV[4])
        local count = redis.call('ZCARD', KEYS[2])
        redis.call('XADD', KEYS[4], '*', 'event', ARGV[5], 'item', ARGV[1], 'kind', ARGV[2], 'rating', ARGV[3], 'at', ARGV[4])
        redis.call('HSET', KEYS[3], ARGV[5], count .. ' ' .. ARGV[6])
        return {1, count}
        """;

    /// <summary>Releases the seed lock if this initialiser still holds it. KEYS: lock. ARGV: token.</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    /// <summary>
    /// Extends the seed lock's lease if this initialiser still holds it. KEYS: lock. ARGV: token, milliseconds.
    /// </summary>
    public const string Renew = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """;
}
