using Microsoft.Data.Sqlite;

namespace RecServices.Users;

/// <summary>
/// The SQLite user store's schema (version 4, in <c>PRAGMA user_version</c>):
/// <list type="bullet">
/// <item><c>users(id, country, age, gender, item_count)</c>: the profile and the count of distinct items;</item>
/// <item><c>interactions(seq, user_id, item_id, kind, rating, occurred_at, event_id, history_count)</c>: every
/// interaction, seeded or recorded; recorded ones carry their event id (unique per user) and the history count
/// they were answered with: they are the interaction log;</item>
/// <item><c>user_items(user_id, item_id, last_at, last_seq)</c>: each user's distinct items at their latest time,
/// read newest first through <c>user_items_by_time</c>;</item>
/// <item><c>erasures(user_id, erased_at)</c>: users erased by <c>DeleteUser</c> and when (Unix seconds), which
/// training honours;</item>
/// <item><c>catalog_items(item_id, available, deleted, version, metadata, ordinal)</c>: the live catalog's changes
/// (items upserted, hidden or deleted), each at the version of its latest write; an upserted item's metadata (JSON) and
/// ordinal (the order items were first upserted in);</item>
/// <item><c>meta(key, value)</c>: <c>seeded_from</c>, <c>seeded_at</c> and <c>catalog_version</c>.</item>
/// </list>
/// Version 1 (interactions only, no event ids) is migrated in place the first time a new gateway opens it; version 2
/// gains the erasures and catalog tables; version 3 the catalog's metadata and ordinals.
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 4;

    private const string Tables = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, country TEXT, age INTEGER, gender TEXT, item_count INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS interactions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            kind INTEGER NOT NULL,
            rating REAL,
            occurred_at INTEGER NOT NULL,
            event_id TEXT,
            history_count INTEGER);
        CREATE TABLE IF NOT EXISTS user_items (
            user_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            last_at INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            PRIMARY KEY (user_id, item_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS erasures (user_id TEXT PRIMARY KEY, erased_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS catalog_items (
            item_id TEXT PRIMARY KEY,
            available INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            version INTEGER NOT NULL,
            metadata TEXT,
            ordinal INTEGER) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS catalog_items_by_version ON catalog_items (version);
        """;

    private const string Indexes = """
        CREATE UNIQUE INDEX IF NOT EXISTS catalog_items_by_ordinal ON catalog_items (ordinal) WHERE ordinal IS NOT NULL;
        CREATE UNIQUE INDEX IF NOT EXISTS interactions_by_event ON interactions (user_id, event_id) WHERE event_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS user_items_by_time ON user_items (user_id, last_at, last_seq);
        DROP INDEX IF EXISTS interactions_by_user_history;
        DROP INDEX IF EXISTS interactions_by_user;
        """;

    /// <summary>Each (user, item)'s latest interaction, by (time, seq): the rule of the user's history.</summary>
    public const string RebuildUserItems = """
        DELETE FROM user_items;
        INSERT INTO user_items (user_id, item_id, last_at, last_seq)
            SELECT user_id, item_id, occurred_at, seq FROM (
                SELECT user_id, item_id, occurred_at, seq,
                       ROW_NUMBER() OVER (PARTITION BY user_id, item_id ORDER BY occurred_at DESC, seq DESC) AS newest
                FROM interactions)
            WHERE newest = 1;
        UPDATE users SET item_count = (SELECT COUNT(*) FROM user_items WHERE user_items.user_id = users.id);
        """;

    /// <summary>Creates or migrates the schema inside the caller's write transaction.</summary>
    public static async Task EnsureAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        CancellationToken cancellationToken
    )
    {
        var version = Convert.ToInt32(
            await ScalarAsync(connection, transaction, "PRAGMA user_version", cancellationToken),
            System.Globalization.CultureInfo.InvariantCulture
        );
        if (version == Version)
        {
            return;
        }

        if (version > Version)
        {
            throw new InvalidOperationException(
                $"user store schema version {version} is newer than this gateway's ({Version}); run a "
                    + $"gateway as new as the store"
            );
        }

        // Version 1 (user_version 0 or 1): the interactions table without event ids. Versions 2 and 3 have them.
        var legacy =
            version <= 1
            && await ScalarAsync(
                connection,
                transaction,
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'interactions'",
                cancellationToken
            )
                is long n
            && n > 0;
        if (legacy)
        {
            // Version 1: interactions(seq, user_id, item_id, kind, rating, occurred_at), users(id, country, age,
            // gender).
            await ExecuteAsync(
                connection,
                transaction,
                """
                ALTER TABLE interactions ADD COLUMN event_id TEXT;
                ALTER TABLE interactions ADD COLUMN history_count INTEGER;
                ALTER TABLE users ADD COLUMN item_count INTEGER NOT NULL DEFAULT 0;
                """,
                cancellationToken
            );
        }

        if (version == 3)
        {
            await ExecuteAsync(
                connection,
                transaction,
                """
                ALTER TABLE catalog_items ADD COLUMN metadata TEXT;
                ALTER TABLE catalog_items ADD COLUMN ordinal INTEGER;
                """,
                cancellationToken
            );
        }

        await ExecuteAsync(connection, transaction, Tables + Indexes, cancellationToken);
        if (legacy)
        {
            await ExecuteAsync(connection, transaction, RebuildUserItems, cancellationToken);
        }

        await ExecuteAsync(connection, transaction, $"PRAGMA user_version = {Version}", cancellationToken);
    }

    public static async Task ExecuteAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string sql,
        CancellationToken cancellationToken
    )
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string sql,
        CancellationToken cancellationToken
    )
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
