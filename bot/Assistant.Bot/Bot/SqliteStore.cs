using System.Globalization;
using Assistant.Hosting;
using Microsoft.Data.Sqlite;

namespace Assistant.Bot.Bot;

/// <summary>Bot state in a local SQLite file (bot.db beside the index): survives restarts, each write committed before it is
/// acknowledged. One host only: replicas share <see cref="BlobStateStore"/> instead.</summary>
public sealed class SqliteStore : IBotStateStore
{
    private readonly string _connectionString;

    public SqliteStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = DurableSqlite.Create(Path, """
            CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL, etag TEXT NOT NULL, updated TEXT NOT NULL);
            """);
    }

    public string Path { get; }

    public string Description => $"SQLite file {Path}";

    public async Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, object>();
        await using var c = Open();
        foreach (var key in keys)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT value, etag FROM state WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", key);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                result[key] = StateJson.Deserialize(r.GetString(0), r.GetString(1));
        }
        return result;
    }

    /// <summary>Writes every change in one transaction (BEGIN IMMEDIATE: other processes wait), or none when one of them is stale.</summary>
    public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        await using var c = Open();
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (key, value) in changes)
        {
            if (StateJson.ETagOf(value) is { } expected && await StoredETagAsync(c, tx, key, cancellationToken).ConfigureAwait(false) is { } stored && stored != expected)
                throw new StateConflictException(key);
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO state (key, value, etag, updated) VALUES ($k, $v, $e, $u)
                ON CONFLICT(key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated = excluded.updated
                """;
            cmd.Parameters.AddWithValue("$k", key);
            cmd.Parameters.AddWithValue("$v", StateJson.Serialize(value));
            cmd.Parameters.AddWithValue("$e", Guid.NewGuid().ToString("N"));
            cmd.Parameters.AddWithValue("$u", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        await using var c = Open();
        foreach (var key in keys)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM state WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", key);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<int> EvictIdleAsync(TimeSpan idle, CancellationToken ct = default)
    {
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM state WHERE updated < $cutoff";
        cmd.Parameters.AddWithValue("$cutoff", (DateTimeOffset.UtcNow - idle).ToString("O", CultureInfo.InvariantCulture));
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM state";
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static async Task<string?> StoredETagAsync(SqliteConnection c, SqliteTransaction tx, string key, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT etag FROM state WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        return (string?)await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    private SqliteConnection Open() => DurableSqlite.Open(_connectionString);
}
