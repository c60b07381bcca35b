using System.Globalization;
using Microsoft.Data.Sqlite;
using RecServices.Core.Bundles;
using RecServices.Core.Data;

namespace RecServices.Gateway.Users;

/// <summary>
/// The user store in one SQLite file (write-ahead log, so reads never wait for the writer). Schema:
/// <c>users(id, country, age, gender)</c>, <c>interactions(seq, user_id, item_id, kind, rating, occurred_at)</c>
/// and <c>meta(key, value)</c>; a user's history is read from one covering index (user, time, seq, item). Seeded once, in one transaction, from the bundle that first opens it;
/// every later write is one transaction, so a crash never leaves a half-written interaction.
/// </summary>
public sealed class SqliteUserStore : IUserStore
{
    /// <summary>The most of the file read through a memory map (SQLite's mmap_size).</summary>
    private const long MemoryMapBytes = 1L << 30;

    private readonly string _connectionString;

    public SqliteUserStore(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public async Task InitializeAsync(Bundle bundle, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, country TEXT, age INTEGER, gender TEXT);
            CREATE TABLE IF NOT EXISTS interactions (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id TEXT NOT NULL,
                item_id TEXT NOT NULL,
                kind INTEGER NOT NULL,
                rating REAL,
                occurred_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS interactions_by_user_history ON interactions (user_id, occurred_at, seq, item_id);
            DROP INDEX IF EXISTS interactions_by_user;
            """, cancellationToken);

        await using var check = connection.CreateCommand();
        check.CommandText = "SELECT value FROM meta WHERE key = 'seeded_from'";
        if (await check.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        await SeedAsync(connection, bundle, cancellationToken);
    }

    public async Task<StoredUser?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var profile = connection.CreateCommand();
        profile.CommandText = "SELECT country, age, gender FROM users WHERE id = $id";
        profile.Parameters.AddWithValue("$id", userId);
        await using var reader = await profile.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var country = reader.IsDBNull(0) ? null : reader.GetString(0);
        int? age = reader.IsDBNull(1) ? null : reader.GetInt32(1);
        var gender = reader.IsDBNull(2) ? null : reader.GetString(2);

        await using var history = connection.CreateCommand();
        history.CommandText = "SELECT item_id FROM interactions WHERE user_id = $id ORDER BY occurred_at, seq";
        history.Parameters.AddWithValue("$id", userId);
        await using var rows = await history.ExecuteReaderAsync(cancellationToken);
        var ids = new List<string>();
        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        var sequence = new List<int>();
        while (await rows.ReadAsync(cancellationToken))
        {
            var id = rows.GetString(0);
            if (!codes.TryGetValue(id, out var code))
            {
                codes[id] = code = ids.Count;
                ids.Add(id);
            }

            sequence.Add(code);
        }

        return new StoredUser(userId, country, age, gender, UserHistories.DistinctLatest(sequence).Select(code => ids[code]).ToArray());
    }

    public async Task<int> AppendAsync(NewInteraction interaction, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var user = connection.CreateCommand())
        {
            user.Transaction = transaction;
            user.CommandText = "INSERT OR IGNORE INTO users (id) VALUES ($id)";
            user.Parameters.AddWithValue("$id", interaction.UserId);
            await user.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = InsertInteraction(connection, transaction))
        {
            insert.Parameters["$u"].Value = interaction.UserId;
            insert.Parameters["$i"].Value = interaction.ItemId;
            insert.Parameters["$k"].Value = (int)interaction.Kind;
            insert.Parameters["$r"].Value = interaction.Rating.HasValue ? interaction.Rating.Value : DBNull.Value;
            insert.Parameters["$t"].Value = interaction.OccurredAt.ToUnixTimeSeconds();
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        long count;
        await using (var distinct = connection.CreateCommand())
        {
            distinct.Transaction = transaction;
            distinct.CommandText = "SELECT COUNT(DISTINCT item_id) FROM interactions WHERE user_id = $u";
            distinct.Parameters.AddWithValue("$u", interaction.UserId);
            count = (long)(await distinct.ExecuteScalarAsync(cancellationToken))!;
        }

        await transaction.CommitAsync(cancellationToken);
        return (int)count;
    }

    private static async Task SeedAsync(SqliteConnection connection, Bundle bundle, CancellationToken cancellationToken)
    {
        var users = bundle.Users ?? throw new ArgumentException("the bundle was loaded without its users", nameof(bundle));
        var rows = bundle.Interactions!;
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insertUser = connection.CreateCommand())
        {
            insertUser.Transaction = transaction;
            insertUser.CommandText = "INSERT OR IGNORE INTO users (id, country, age, gender) VALUES ($id, $c, $a, $g)";
            var id = insertUser.Parameters.Add("$id", SqliteType.Text);
            var country = insertUser.Parameters.Add("$c", SqliteType.Text);
            var age = insertUser.Parameters.Add("$a", SqliteType.Integer);
            var gender = insertUser.Parameters.Add("$g", SqliteType.Text);
            foreach (var user in users)
            {
                id.Value = user.Id;
                country.Value = (object?)user.Country ?? DBNull.Value;
                age.Value = user.Age.HasValue ? user.Age.Value : DBNull.Value;
                gender.Value = (object?)user.Gender ?? DBNull.Value;
                await insertUser.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var insert = InsertInteraction(connection, transaction))
        {
            var (u, i, k, r, t) = (insert.Parameters["$u"], insert.Parameters["$i"], insert.Parameters["$k"], insert.Parameters["$r"], insert.Parameters["$t"]);
            for (var row = 0; row < rows.Count; row++)
            {
                u.Value = users[rows.Users[row]].Id;
                i.Value = bundle.Catalog.Items[rows.Items[row]].Id;
                k.Value = (int)rows.Kinds[row];
                r.Value = rows.Kinds[row] == InteractionKind.Rated ? rows.Ratings[row] : DBNull.Value;
                t.Value = rows.Timestamps[row];
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var meta = connection.CreateCommand())
        {
            meta.Transaction = transaction;
            meta.CommandText = "INSERT INTO meta (key, value) VALUES ('seeded_from', $v), ('seeded_at', $at)";
            meta.Parameters.AddWithValue("$v", bundle.Manifest.Version);
            meta.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            await meta.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The one INSERT of an interaction, prepared with parameters $u, $i, $k, $r, $t.</summary>
    private static SqliteCommand InsertInteraction(SqliteConnection connection, SqliteTransaction transaction)
    {
        var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO interactions (user_id, item_id, kind, rating, occurred_at) VALUES ($u, $i, $k, $r, $t)";
        insert.Parameters.Add("$u", SqliteType.Text);
        insert.Parameters.Add("$i", SqliteType.Text);
        insert.Parameters.Add("$k", SqliteType.Integer);
        insert.Parameters.Add("$r", SqliteType.Real);
        insert.Parameters.Add("$t", SqliteType.Integer);
        return insert;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // Reads through a memory map instead of a read() call per page (the history of a user spans many pages).
        await ExecuteAsync(connection, $"PRAGMA mmap_size = {MemoryMapBytes}", cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
