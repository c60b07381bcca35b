using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using RecServices.Core.Data;

namespace RecServices.Users;

/// <summary>
/// The user store in one SQLite file (schema in <see cref="SqliteSchema"/>), for one gateway or one node.
/// Write-ahead log, so reads never wait for the writer, and <c>synchronous = FULL</c>: a write is acknowledged once
/// the transaction holding it is committed and the log is fsynced, so it survives a process kill and a power loss.
/// Seeding runs in one <c>BEGIN IMMEDIATE</c> transaction (concurrent initialisers seed once); writes are
/// group-committed by <see cref="SqliteWriter"/>, so a crash never leaves half an interaction.
/// </summary>
public sealed class SqliteUserStore : IUserStore, IInteractionLog, ICatalogStore
{
    /// <summary>The most of the file read through a memory map (SQLite's mmap_size).</summary>
    private const long MemoryMapBytes = 1L << 30;

    private readonly string _path;
    private readonly string _connectionString;

    private readonly SqliteWriter _writer;

    // once the catalog table exists it stays: the pollers stop asking sqlite_master every poll
    private volatile bool _catalogSeen;

    /// <param name="path">The database file (created, with its directory, when missing).</param>
    /// <param name="readOnly">Open an existing file for reading only (training reads a gateway's log this way).</param>
    /// <param name="limits">What bounds each user's recorded rows (<see cref="UserStoreLimits.Default"/> when null):
    /// the newest <see cref="UserStoreLimits.LogPerUser"/> are kept (give or take <see cref="SqliteWriter.TrimEvery"/>),
    /// with their event ids; seeded rows are the dataset's and stay.</param>
    public SqliteUserStore(string path, bool readOnly = false, UserStoreLimits? limits = null)
    {
        _path = Path.GetFullPath(path);
        if (readOnly && !File.Exists(_path))
        {
            throw new FileNotFoundException($"no user store at '{_path}'", _path);
        }

        if (!readOnly)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _writer = new SqliteWriter(OpenAsync, _path, (limits ?? UserStoreLimits.Default).LogPerUser);
    }

    public async Task<bool> InitializeAsync(UserStoreSeed seed, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await SqliteSchema.ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken);

        // BEGIN IMMEDIATE takes the write lock before reading the marker: of several initialisers, the first seeds and
        // the others wait on the lock, then find the marker.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await SqliteSchema.EnsureAsync(connection, transaction, cancellationToken);
        await using (var check = connection.CreateCommand())
        {
            check.Transaction = transaction;
            check.CommandText = "SELECT value FROM meta WHERE key = 'seeded_from'";
            if (await check.ExecuteScalarAsync(cancellationToken) is not null)
            {
                await transaction.CommitAsync(cancellationToken);
                return false;
            }
        }

        await SeedAsync(connection, transaction, seed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<StoredUser?> FindAsync(string userId, int historyLimit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(historyLimit);
        return await Guard(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var snapshot = connection.BeginTransaction(deferred: true);
            await using var command = connection.CreateCommand();
            command.Transaction = snapshot;
            command.CommandText = """
                SELECT country, age, gender, item_count FROM users WHERE id = $u;
                SELECT item_id FROM user_items WHERE user_id = $u ORDER BY last_at DESC, last_seq DESC LIMIT $n;
                """;
            command.Parameters.AddWithValue("$u", userId);
            command.Parameters.AddWithValue("$n", historyLimit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var (country, age, gender) = (
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? (int?)null : reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetString(2)
            );
            var count = reader.GetInt32(3);
            await reader.NextResultAsync(cancellationToken);
            var newestFirst = new List<string>(Math.Min(historyLimit, count));
            while (await reader.ReadAsync(cancellationToken))
            {
                newestFirst.Add(reader.GetString(0));
            }

            newestFirst.Reverse();
            return new StoredUser(userId, country, age, gender, newestFirst, count);
        });
    }

    public async Task<IReadOnlySet<string>> SeenAmongAsync(
        string userId,
        IReadOnlyList<string> itemIds,
        CancellationToken cancellationToken
    )
    {
        if (itemIds.Count == 0)
        {
            return new HashSet<string>();
        }

        return await Guard(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT item_id FROM user_items WHERE user_id = $u AND item_id IN (SELECT value FROM json_each($ids))";
            command.Parameters.AddWithValue("$u", userId);
            command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(itemIds));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                seen.Add(reader.GetString(0));
            }

            return (IReadOnlySet<string>)seen;
        });
    }

    public Task<RecordResult> AppendAsync(NewInteraction interaction, CancellationToken cancellationToken) =>
        // once queued, a write runs to its end: its outcome is never left to a caller's cancellation
        _writer.AppendAsync(interaction);

    public async IAsyncEnumerable<RecordedInteraction> ReadAllAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT user_id, item_id, kind, rating, occurred_at, event_id FROM interactions WHERE "
            + "event_id IS NOT NULL ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new RecordedInteraction(
                reader.GetString(0),
                reader.GetString(1),
                (InteractionKind)reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetFloat(3),
                reader.GetInt64(4),
                reader.GetString(5)
            );
        }
    }

    public async IAsyncEnumerable<Erasure> ReadErasuresAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // a store last written by a gateway before erasures (schema 2) has none
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'erasures'";
        if (await command.ExecuteScalarAsync(cancellationToken) is not long and > 0)
        {
            yield break;
        }

        command.CommandText = "SELECT user_id, erased_at FROM erasures ORDER BY user_id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new Erasure(reader.GetString(0), reader.GetInt64(1));
        }
    }

    public Task<bool> SetProfileAsync(string userId, ProfileFields profile, CancellationToken cancellationToken) =>
        WriteAsync(
            """
            SELECT COUNT(*) FROM users WHERE id = $u;
            INSERT INTO users (id, country, age, gender) VALUES ($u, $c, $a, $g)
                ON CONFLICT (id) DO UPDATE SET country = excluded.country, age = excluded.age, gender = excluded.gender;
            """,
            command =>
            {
                command.Parameters.AddWithValue("$u", userId);
                command.Parameters.AddWithValue("$c", (object?)profile.Country ?? DBNull.Value);
                command.Parameters.AddWithValue("$a", profile.Age is { } age ? age : DBNull.Value);
                command.Parameters.AddWithValue("$g", (object?)profile.Gender ?? DBNull.Value);
            },
            known => known == 0,
            secureDelete: false,
            cancellationToken
        );

    /// <summary>
    /// Deletes the user's rows with <c>secure_delete</c> on (their pages are overwritten with zeros, not only freed)
    /// and checkpoints the write-ahead log afterwards, so that their data leaves the files, not only the tables.
    /// </summary>
    public Task<bool> DeleteUserAsync(string userId, DateTimeOffset erasedAt, CancellationToken cancellationToken) =>
        WriteAsync(
            """
            SELECT (SELECT COUNT(*) FROM users WHERE id = $u) + (SELECT COUNT(*) FROM user_items WHERE user_id = $u);
            DELETE FROM interactions WHERE user_id = $u;
            DELETE FROM user_items WHERE user_id = $u;
            DELETE FROM users WHERE id = $u;
            INSERT INTO erasures (user_id, erased_at) VALUES ($u, $t)
                ON CONFLICT (user_id) DO UPDATE SET erased_at = max(erased_at, excluded.erased_at);
            """,
            command =>
            {
                command.Parameters.AddWithValue("$u", userId);
                command.Parameters.AddWithValue("$t", erasedAt.ToUnixTimeSeconds());
            },
            known => known > 0,
            secureDelete: true,
            cancellationToken
        );

    public Task<long> SetAvailabilityAsync(
        IReadOnlyList<string> itemIds,
        bool available,
        CancellationToken cancellationToken
    ) =>
        CatalogWriteAsync(
            itemIds,
            """
            INSERT INTO catalog_items (item_id, available, deleted, version) VALUES ($i, $a, 0, $v)
                ON CONFLICT (item_id) DO UPDATE SET available = excluded.available, version = excluded.version
            """,
            available,
            cancellationToken
        );

    public Task<long> DeleteItemsAsync(IReadOnlyList<string> itemIds, CancellationToken cancellationToken) =>
        CatalogWriteAsync(
            itemIds,
            """
            INSERT INTO catalog_items (item_id, available, deleted, version) VALUES ($i, $a, 1, $v)
                ON CONFLICT (item_id) DO UPDATE SET deleted = 1, version = excluded.version
            """,
            available: true,
            cancellationToken
        );

    public Task<long> UpsertItemsAsync(IReadOnlyList<CatalogItemUpsert> items, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var version = await BumpCatalogVersionAsync(connection, transaction, cancellationToken);
            // the next ordinal once (the partial index answers MAX at once), then one more per item that takes it
            long next;
            await using (var max = connection.CreateCommand())
            {
                max.Transaction = transaction;
                max.CommandText = "SELECT COALESCE(MAX(ordinal), -1) + 1 FROM catalog_items WHERE ordinal IS NOT NULL";
                next = (long)(await max.ExecuteScalarAsync(cancellationToken))!;
            }

            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO catalog_items (item_id, available, deleted, version, metadata, ordinal)
                    VALUES ($i, $a, 0, $v, $m, $o)
                    ON CONFLICT (item_id) DO UPDATE SET available = excluded.available, version = excluded.version,
                        metadata = excluded.metadata, ordinal = COALESCE(catalog_items.ordinal, excluded.ordinal)
                    RETURNING ordinal
                """;
            var id = command.Parameters.Add("$i", SqliteType.Text);
            var available = command.Parameters.Add("$a", SqliteType.Integer);
            var metadata = command.Parameters.Add("$m", SqliteType.Text);
            var ordinal = command.Parameters.Add("$o", SqliteType.Integer);
            command.Parameters.AddWithValue("$v", version);
            foreach (var item in items)
            {
                (id.Value, available.Value, metadata.Value, ordinal.Value) = (
                    item.ItemId,
                    item.Available ? 1 : 0,
                    item.Metadata.ToJson(),
                    next
                );
                if ((long)(await command.ExecuteScalarAsync(cancellationToken))! == next)
                {
                    next++; // a new item took it
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return version;
        });

    /// <summary>The version; 0 in a file no gateway has initialised yet (retrieval and ranking may start first).</summary>
    public Task<long> CatalogVersionAsync(CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await HasCatalogAsync(connection, cancellationToken)
                ? await CatalogVersionAsync(connection, null, cancellationToken)
                : 0;
        });

    public Task<CatalogChanges> ReadCatalogChangesAsync(long since, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            if (!await HasCatalogAsync(connection, cancellationToken))
            {
                return new CatalogChanges(0, []);
            }

            await using var snapshot = connection.BeginTransaction(deferred: true); // the version and rows of one read
            var version = await CatalogVersionAsync(connection, snapshot, cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = snapshot;
            command.CommandText =
                "SELECT item_id, available, deleted, metadata, ordinal FROM catalog_items WHERE version > $s";
            command.Parameters.AddWithValue("$s", since);
            var items = new List<CatalogItemState>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(
                    new CatalogItemState(
                        reader.GetString(0),
                        reader.GetInt32(1) == 1,
                        reader.GetInt32(2) == 1,
                        reader.IsDBNull(3) ? null : CatalogItemMetadata.FromJson(reader.GetString(3)),
                        reader.IsDBNull(4) ? -1 : reader.GetInt64(4)
                    )
                );
            }

            return new CatalogChanges(version, items);
        });

    public Task<StoreDurability> DescribeDurabilityAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new StoreDurability(true, $"SQLite file '{_path}', WAL, synchronous FULL"));

    public Task<StoreFill> FillAsync(CancellationToken cancellationToken)
    {
        try
        {
            long Size(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
            var used = Size(_path) + Size(_path + "-wal");
            var free = new DriveInfo(Path.GetDirectoryName(_path)!).AvailableFreeSpace; // statfs of the file's own mount
            return Task.FromResult(new StoreFill(used, used + free));
        }
        catch (IOException e)
        {
            throw new UserStoreUnavailableException($"the user store '{_path}' cannot be measured: {e.Message}", e);
        }
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private static async Task SeedAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        UserStoreSeed seed,
        CancellationToken cancellationToken
    )
    {
        await using (var insertUser = connection.CreateCommand())
        {
            insertUser.Transaction = transaction;
            insertUser.CommandText = "INSERT OR IGNORE INTO users (id, country, age, gender) VALUES ($id, $c, $a, $g)";
            var id = insertUser.Parameters.Add("$id", SqliteType.Text);
            var country = insertUser.Parameters.Add("$c", SqliteType.Text);
            var age = insertUser.Parameters.Add("$a", SqliteType.Integer);
            var gender = insertUser.Parameters.Add("$g", SqliteType.Text);
            foreach (var user in seed.Users)
            {
                id.Value = user.Id;
                country.Value = (object?)user.Country ?? DBNull.Value;
                age.Value = user.Age.HasValue ? user.Age.Value : DBNull.Value;
                gender.Value = (object?)user.Gender ?? DBNull.Value;
                await insertUser.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        // Each user's rows in time order: seq then breaks ties of equal times the way the rows were given.
        var (offsets, order) = seed.RowsByUser();
        var rows = seed.Interactions;
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText =
                "INSERT INTO interactions (user_id, item_id, kind, rating, occurred_at) VALUES ($u, $i, $k, $r, $t)";
            var (u, i, k, r, t) = (
                insert.Parameters.Add("$u", SqliteType.Text),
                insert.Parameters.Add("$i", SqliteType.Text),
                insert.Parameters.Add("$k", SqliteType.Integer),
                insert.Parameters.Add("$r", SqliteType.Real),
                insert.Parameters.Add("$t", SqliteType.Integer)
            );
            for (var user = 0; user < seed.Users.Count; user++)
            {
                u.Value = seed.Users[user].Id;
                for (var j = offsets[user]; j < offsets[user + 1]; j++)
                {
                    var row = order[j];
                    i.Value = seed.ItemIds[rows.Items[row]];
                    k.Value = (int)rows.Kinds[row];
                    r.Value = rows.Kinds[row] == InteractionKind.Rated ? rows.Ratings[row] : DBNull.Value;
                    t.Value = rows.Timestamps[row];
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }

        await SqliteSchema.ExecuteAsync(connection, transaction, SqliteSchema.RebuildUserItems, cancellationToken);
        await using var meta = connection.CreateCommand();
        meta.Transaction = transaction;
        meta.CommandText = "INSERT INTO meta (key, value) VALUES ('seeded_from', $v), ('seeded_at', $at)";
        meta.Parameters.AddWithValue("$v", seed.Version);
        meta.Parameters.AddWithValue(
            "$at",
            TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)
        );
        await meta.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Reads through a memory map (a heavy user's history spans many pages); every commit fsyncs the log.
            await SqliteSchema.ExecuteAsync(
                connection,
                null,
                $"PRAGMA mmap_size = {MemoryMapBytes}; PRAGMA synchronous = FULL",
                cancellationToken
            );
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// One catalog write: the next version, and <paramref name="upsert"/> for each item at it, in one committed
    /// transaction.
    /// </summary>
    private Task<long> CatalogWriteAsync(
        IReadOnlyList<string> itemIds,
        string upsert,
        bool available,
        CancellationToken cancellationToken
    ) =>
        Guard(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var version = await BumpCatalogVersionAsync(connection, transaction, cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = upsert;
            var item = command.Parameters.Add("$i", SqliteType.Text);
            command.Parameters.AddWithValue("$a", available ? 1 : 0);
            command.Parameters.AddWithValue("$v", version);
            foreach (var id in itemIds)
            {
                item.Value = id;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return version;
        });

    /// <summary>The next catalog version, written inside <paramref name="transaction"/>.</summary>
    private static async Task<long> BumpCatalogVersionAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        CancellationToken cancellationToken
    )
    {
        var version = await CatalogVersionAsync(connection, transaction, cancellationToken) + 1;
        await using var bump = connection.CreateCommand();
        bump.Transaction = transaction;
        bump.CommandText =
            "INSERT INTO meta (key, value) VALUES ('catalog_version', $v) "
            + "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        bump.Parameters.AddWithValue("$v", version.ToString(CultureInfo.InvariantCulture));
        await bump.ExecuteNonQueryAsync(cancellationToken);
        return version;
    }

    private async Task<bool> HasCatalogAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (_catalogSeen)
        {
            return true;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'catalog_items'";
        return _catalogSeen = await command.ExecuteScalarAsync(cancellationToken) is long and > 0;
    }

    private static async Task<long> CatalogVersionAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        CancellationToken cancellationToken
    )
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM meta WHERE key = 'catalog_version'";
        return await command.ExecuteScalarAsync(cancellationToken) is string value
            ? long.Parse(value, CultureInfo.InvariantCulture)
            : 0;
    }

    /// <summary>
    /// Runs <paramref name="sql"/> (its first statement a count) in one <c>BEGIN IMMEDIATE</c> transaction, committed
    /// (and fsynced: <c>synchronous = FULL</c>) before it returns what <paramref name="answer"/> makes of the count.
    /// </summary>
    private Task<bool> WriteAsync(
        string sql,
        Action<SqliteCommand> bind,
        Func<long, bool> answer,
        bool secureDelete,
        CancellationToken cancellationToken
    ) =>
        Guard(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            if (secureDelete)
            {
                await SqliteSchema.ExecuteAsync(connection, null, "PRAGMA secure_delete = ON", cancellationToken);
            }

            long count;
            await using (var transaction = connection.BeginTransaction(deferred: false))
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                bind(command);
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    await reader.ReadAsync(cancellationToken);
                    count = reader.GetInt64(0);
                    while (await reader.NextResultAsync(cancellationToken)) { }
                }

                await transaction.CommitAsync(cancellationToken);
            }

            if (secureDelete)
            {
                // best effort: readers in flight keep the log's older frames until they finish
                await SqliteSchema.ExecuteAsync(connection, null, "PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
            }

            return answer(count);
        });

    /// <summary>
    /// SQLite's own failures (a full disk, a locked or unreadable file) as the store's one "unavailable" error.
    /// </summary>
    private async Task<T> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (SqliteException e)
        {
            throw new UserStoreUnavailableException(
                $"the user store '{_path}' failed: {e.Message}",
                e,
                $"SQLite error {e.SqliteErrorCode}"
            );
        }
    }
}
