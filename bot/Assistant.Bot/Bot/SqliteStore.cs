using System.Globalization;
using Assistant.Answering;
using Assistant.Hosting;
using Microsoft.Bot.Builder;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Assistant.Bot.Bot;

/// <summary>Bot state in a local SQLite file: survives restarts, each write committed before it is acknowledged.</summary>
public sealed class SqliteStore : IStorage
{
    private static readonly JsonSerializerSettings Json = new() { TypeNameHandling = TypeNameHandling.None, NullValueHandling = NullValueHandling.Ignore };

    private readonly string _connectionString;

    public SqliteStore(string path)
    {
        _connectionString = DurableSqlite.ConnectionString(path);
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL, etag TEXT NOT NULL, updated TEXT NOT NULL);
            """;
        cmd.ExecuteNonQuery();
    }

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
            {
                var value = JObject.Parse(r.GetString(0));
                value["eTag"] = r.GetString(1);
                result[key] = value;
            }
        }
        return result;
    }

    public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        await using var c = Open();
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (key, value) in changes)
        {
            var json = JObject.FromObject(value, JsonSerializer.Create(Json));
            json.Remove("eTag");
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO state (key, value, etag, updated) VALUES ($k, $v, $e, $u)
                ON CONFLICT(key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated = excluded.updated
                """;
            cmd.Parameters.AddWithValue("$k", key);
            cmd.Parameters.AddWithValue("$v", json.ToString(Formatting.None));
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

    /// <summary>Deletes the state of conversations idle for longer than <paramref name="idle"/>; returns how many.</summary>
    public async Task<int> EvictIdleAsync(TimeSpan idle, CancellationToken ct = default)
    {
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM state WHERE updated < $cutoff";
        cmd.Parameters.AddWithValue("$cutoff", (DateTimeOffset.UtcNow - idle).ToString("O", CultureInfo.InvariantCulture));
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>How many conversations have stored state.</summary>
    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM state";
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private SqliteConnection Open() => DurableSqlite.Open(_connectionString);
}
