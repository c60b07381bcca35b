namespace RecServices.Users;

/// <summary>
/// Opens a store's interaction log from the one argument training takes: a SQLite file path or a redis:// address.
/// </summary>
public static class UserStores
{
    public const string RedisScheme = "redis://";

    /// <summary>
    /// <paramref name="store"/> is a SQLite file (opened read-only; a running gateway may keep writing it) or
    /// <c>redis://host:port</c>, optionally followed by StackExchange.Redis options after a comma
    /// (<c>redis://redis-0.redis:6379,password=…,ssl=true</c>).
    /// </summary>
    public static IInteractionLog OpenLog(string store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        return store.StartsWith(RedisScheme, StringComparison.OrdinalIgnoreCase)
            ? new RedisUserStore(store[RedisScheme.Length..])
            : new SqliteUserStore(store, readOnly: true);
    }
}
