namespace RecServices.Users;

/// <summary>
/// The Lua scripts of <see cref="RedisUserStore"/>: each touches one user's keys only (one cluster slot) and runs
/// atomically.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Records one interaction. KEYS: profile, history, events, log, event times. ARGV: item, kind, rating ('' when
    /// none), time in seconds, event id, signature, ticks per second, now (ms), event id retention (ms), log entries
    /// kept per user. Returns {1, history count} when recorded, {0, "count signature"} when the event id was recorded
    /// before (and is still remembered). Event ids older than the retention, and beyond the newest per-user count,
    /// are forgotten as the user writes (and all of them once the user stops writing for the retention); the log
    /// keeps the user's newest entries.
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
        local keep = tonumber(ARGV[10])
        redis.call('XADD', KEYS[4], 'MAXLEN', keep, '*', 'event', ARGV[5], 'item', ARGV[1], 'kind', ARGV[2], 'rating', ARGV[3], 'at', ARGV[4])
        redis.call('HSET', KEYS[3], ARGV[5], count .. ' ' .. ARGV[6])
        local now = tonumber(ARGV[8])
        local retention = tonumber(ARGV[9])
        redis.call('ZADD', KEYS[5], now, ARGV[5])
        local old = redis.call('ZRANGE', KEYS[5], '-inf', now - retention, 'BYSCORE', 'LIMIT', 0, 100)
        if #old == 0 then
          local n = redis.call('ZCARD', KEYS[5])
          if n > keep then
            old = redis.call('ZRANGE', KEYS[5], 0, math.min(n - keep, 100) - 1)
          end
        end
        if #old > 0 then
          redis.call('HDEL', KEYS[3], unpack(old))
          redis.call('ZREM', KEYS[5], unpack(old))
        end
        redis.call('PEXPIRE', KEYS[3], retention)
        redis.call('PEXPIRE', KEYS[5], retention)
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

    /// <summary>
    /// Sets a user's profile. KEYS: profile. ARGV: now (seconds), country, age, gender ('' when unknown: the field is
    /// removed). Returns 1 when the user was new.
    /// </summary>
    public const string SetProfile = """
        local created = redis.call('HSETNX', KEYS[1], 'since', ARGV[1])
        local fields = {'country', 'age', 'gender'}
        for i = 1, 3 do
          if ARGV[i + 1] == '' then
            redis.call('HDEL', KEYS[1], fields[i])
          else
            redis.call('HSET', KEYS[1], fields[i], ARGV[i + 1])
          end
        end
        return created
        """;

    /// <summary>
    /// One catalog write. KEYS: <see cref="RedisKeys.Catalog"/>. ARGV: 'available', 'hidden' or 'deleted', then the
    /// item ids. Returns the version it made.
    /// </summary>
    public const string CatalogWrite = """
        local v = redis.call('INCR', KEYS[1])
        for i = 2, #ARGV do
          local id = ARGV[i]
          local state = redis.call('HGET', KEYS[2], id) or '1,0'
          local a, d = string.match(state, '(%d),(%d)')
          if ARGV[1] == 'deleted' then
            d = '1'
          elseif ARGV[1] == 'available' then
            a = '1'
          else
            a = '0'
          end
          redis.call('HSET', KEYS[2], id, a .. ',' .. d)
          redis.call('ZADD', KEYS[3], v, id)
        end
        return v
        """;

    /// <summary>
    /// One upsert. KEYS: <see cref="RedisKeys.Catalog"/>. ARGV: triples of item id, '1' or '0' (available), metadata
    /// JSON. An item first upserted takes the next ordinal; a deleted one stays deleted. Returns the version it made.
    /// </summary>
    public const string CatalogUpsert = """
        local v = redis.call('INCR', KEYS[1])
        for i = 1, #ARGV, 3 do
          local id = ARGV[i]
          local state = redis.call('HGET', KEYS[2], id) or '1,0'
          local d = string.sub(state, 3, 3)
          redis.call('HSET', KEYS[2], id, ARGV[i + 1] .. ',' .. d)
          redis.call('HSET', KEYS[4], id, ARGV[i + 2])
          if redis.call('HEXISTS', KEYS[5], id) == 0 then
            redis.call('HSET', KEYS[5], id, redis.call('INCR', KEYS[6]) - 1)
          end
          redis.call('ZADD', KEYS[3], v, id)
        end
        return v
        """;

    /// <summary>
    /// The catalog's changes after a version. KEYS: <see cref="RedisKeys.Catalog"/>. ARGV: the version. Returns
    /// {version now, id, state, metadata or nil, ordinal or nil, id, ...}.
    /// </summary>
    public const string CatalogChanges = """
        local out = {tonumber(redis.call('GET', KEYS[1]) or '0')}
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[1], '+inf')) do
          out[#out + 1] = id
          out[#out + 1] = redis.call('HGET', KEYS[2], id)
          out[#out + 1] = redis.call('HGET', KEYS[4], id) or ''
          out[#out + 1] = redis.call('HGET', KEYS[5], id) or '-1'
        end
        return out
        """;
}
