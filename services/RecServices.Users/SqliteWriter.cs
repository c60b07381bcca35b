using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using RecServices.Core.Data;

namespace RecServices.Users;

/// <summary>
/// Group commit for <see cref="SqliteUserStore"/>: appends queue up and one writer loop records up to
/// <see cref="MaxBatch"/> of them in one <c>BEGIN IMMEDIATE</c> transaction, one commit and one fsync, then answers
/// each. No caller is answered before the commit that holds its interaction; a failed commit fails the whole batch
/// (nothing of it is recorded). Under concurrent writes this replaces an fsync per interaction, and SQLite's busy
/// lock retried with sleeps, by one fsync per batch and a queue.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    public const int MaxBatch = 256;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(
        new UnboundedChannelOptions { SingleReader = true }
    );
    private readonly Func<CancellationToken, Task<SqliteConnection>> _open;
    private readonly string _path;
    private readonly int _keep;
    private readonly Task _loop;

    public SqliteWriter(Func<CancellationToken, Task<SqliteConnection>> open, string path, int keepPerUser)
    {
        _open = open;
        _path = path;
        _keep = keepPerUser;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Every this many rows (by seq), the writing user's recorded rows are trimmed to the newest kept.</summary>
    public const int TrimEvery = 64;

    public Task<RecordResult> AppendAsync(NewInteraction interaction)
    {
        var pending = new Pending(
            interaction,
            new TaskCompletionSource<RecordResult>(TaskCreationOptions.RunContinuationsAsynchronously)
        );
        return _queue.Writer.TryWrite(pending)
            ? pending.Done.Task
            : throw new ObjectDisposedException(nameof(SqliteUserStore));
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await WriteAsync(batch);
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        var results = new (RecordResult? Result, Exception? Error)[batch.Count];
        try
        {
            await using var connection = await _open(CancellationToken.None);
            await using var transaction = connection.BeginTransaction(deferred: false);
            for (var i = 0; i < batch.Count; i++)
            {
                try
                {
                    results[i] = (await AppendAsync(connection, transaction, batch[i].Interaction, _keep), null);
                }
                catch (EventIdConflictException e)
                {
                    results[i] = (null, e); // nothing written for it; the rest of the batch goes on
                }
            }

            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // The transaction rolled back: nothing of the batch is recorded.
            var failure = e is SqliteException or InvalidOperationException
                ? new UserStoreUnavailableException(
                    $"the user store '{_path}' failed: {e.Message}",
                    e,
                    e is SqliteException q ? $"SQLite error {q.SqliteErrorCode}" : "SQLite write failed"
                )
                : e;
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(failure);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i].Error is { } error)
            {
                batch[i].Done.TrySetException(error);
            }
            else
            {
                batch[i].Done.TrySetResult(results[i].Result!);
            }
        }
    }

    /// <summary>
    /// One interaction inside the batch's transaction: the earlier ones of the batch are visible to its event-id
    /// check.
    /// </summary>
    private static async Task<RecordResult> AppendAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        NewInteraction interaction,
        int keep
    )
    {
        await using (var prior = connection.CreateCommand())
        {
            prior.Transaction = transaction;
            prior.CommandText =
                "SELECT item_id, kind, rating, history_count FROM interactions WHERE user_id = $u AND event_id = $e";
            prior.Parameters.AddWithValue("$u", interaction.UserId);
            prior.Parameters.AddWithValue("$e", interaction.EventId);
            await using var reader = await prior.ExecuteReaderAsync(CancellationToken.None);
            if (await reader.ReadAsync(CancellationToken.None))
            {
                var first = interaction with
                {
                    ItemId = reader.GetString(0),
                    Kind = (InteractionKind)reader.GetInt32(1),
                    Rating = reader.IsDBNull(2) ? null : reader.GetFloat(2),
                };
                return first.Signature == interaction.Signature
                    ? new RecordResult(reader.GetInt32(3), Replayed: true)
                    : throw new EventIdConflictException(interaction.EventId);
            }
        }

        await using var write = connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = """
            INSERT INTO users (id) VALUES ($u) ON CONFLICT (id) DO NOTHING;
            UPDATE users SET item_count = item_count + NOT EXISTS (SELECT 1 FROM user_items WHERE user_id = $u AND item_id = $i)
                WHERE id = $u RETURNING item_count;
            INSERT INTO interactions (user_id, item_id, kind, rating, occurred_at, event_id, history_count)
                VALUES ($u, $i, $k, $r, $t, $e, (SELECT item_count FROM users WHERE id = $u));
            INSERT INTO user_items (user_id, item_id, last_at, last_seq) VALUES ($u, $i, $t, last_insert_rowid())
                ON CONFLICT (user_id, item_id) DO UPDATE SET last_at = excluded.last_at, last_seq = excluded.last_seq
                WHERE (excluded.last_at, excluded.last_seq) > (user_items.last_at, user_items.last_seq);
            DELETE FROM interactions WHERE last_insert_rowid() % $every = 0 AND user_id = $u AND event_id IS NOT NULL
                AND seq <= (SELECT seq FROM interactions WHERE user_id = $u AND event_id IS NOT NULL
                            ORDER BY seq DESC LIMIT 1 OFFSET $keep);
            """;
        write.Parameters.AddWithValue("$u", interaction.UserId);
        write.Parameters.AddWithValue("$i", interaction.ItemId);
        write.Parameters.AddWithValue("$k", (int)interaction.Kind);
        write.Parameters.AddWithValue("$r", interaction.Rating.HasValue ? interaction.Rating.Value : DBNull.Value);
        write.Parameters.AddWithValue("$t", interaction.OccurredAt.ToUnixTimeSeconds());
        write.Parameters.AddWithValue("$e", interaction.EventId);
        write.Parameters.AddWithValue("$every", TrimEvery);
        write.Parameters.AddWithValue("$keep", keep);
        await using var rows = await write.ExecuteReaderAsync(CancellationToken.None);
        var count = await rows.ReadAsync(CancellationToken.None)
            ? rows.GetInt32(0)
            : throw new InvalidOperationException("the user row was not updated");
        while (await rows.NextResultAsync(CancellationToken.None))
        {
            // run the remaining statements
        }

        return new RecordResult(count, Replayed: false);
    }

    private sealed record Pending(NewInteraction Interaction, TaskCompletionSource<RecordResult> Done);
}
