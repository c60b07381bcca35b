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
    /// (<c>redis://redis-0.redis:6379,ssl=true</c>); the ACL user, password and CA come from the environment
    /// (<see cref="RedisAccess.FromEnvironment"/>), never from an argument.
    /// </summary>
    public static IInteractionLog OpenLog(string store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        return store.StartsWith(RedisScheme, StringComparison.OrdinalIgnoreCase)
            ? new RedisUserStore(store[RedisScheme.Length..], access: RedisAccess.FromEnvironment())
            : new SqliteUserStore(store, readOnly: true);
    }

    /// <summary>
    /// The store as it may be printed: a redis:// address without its password (a SQLite path as given).
    /// </summary>
    public static string Describe(string store) =>
        store.StartsWith(RedisScheme, StringComparison.OrdinalIgnoreCase)
            ? RedisScheme + RedisUserStore.Describe(RedisUserStore.ParseConfiguration(store[RedisScheme.Length..]))
            : store;
}
