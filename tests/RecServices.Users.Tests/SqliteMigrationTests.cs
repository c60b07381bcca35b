using Microsoft.Data.Sqlite;

namespace RecServices.Users.Tests;

/// <summary>A store file of an earlier schema opens in place: what it held is kept, the new columns work.</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _directory = Directory.CreateTempSubdirectory("recs-migration-").FullName;

    [Fact]
    public async Task SchemaVersion3_KeepsItsCatalogChanges_AndTakesUpsertsAfterOpening()
    {
        var path = Path.Combine(_directory, "users.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // version 3's catalog table (no metadata, no ordinal) with one hidden item, marked seeded
            command.CommandText = """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE catalog_items (item_id TEXT PRIMARY KEY, available INTEGER NOT NULL,
                    deleted INTEGER NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO catalog_items VALUES ('old', 0, 0, 1);
                INSERT INTO meta VALUES ('catalog_version', '1'), ('seeded_from', 'v3'), ('seeded_at', '0');
                CREATE TABLE users (id TEXT PRIMARY KEY, country TEXT, age INTEGER, gender TEXT,
                    item_count INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE interactions (seq INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL,
                    item_id TEXT NOT NULL, kind INTEGER NOT NULL, rating REAL, occurred_at INTEGER NOT NULL,
                    event_id TEXT, history_count INTEGER);
                PRAGMA user_version = 3;
                """;
            await command.ExecuteNonQueryAsync();
        }

        await using var store = new SqliteUserStore(path);
        var seeded = await store.InitializeAsync(StoreSeeds.Small(), None);
        var metadata = new CatalogItemMetadata("New", [], null, new Dictionary<string, string>(), null, null);
        var version = await store.UpsertItemsAsync([new("new", metadata, Available: true)], None);
        var changes = await store.ReadCatalogChangesAsync(0, None);

        Assert.False(seeded); // already seeded: the migration kept its marker
        Assert.Equal(2, version);
        Assert.Equal(
            [("new", true, 0L, "New"), ("old", false, -1L, (string?)null)],
            changes
                .Items.OrderBy(i => i.ItemId, StringComparer.Ordinal)
                .Select(i => (i.ItemId, i.Available, i.Ordinal, i.Metadata?.Title))
        );
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
