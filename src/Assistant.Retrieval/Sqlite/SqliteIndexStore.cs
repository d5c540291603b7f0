using System.Globalization;
using System.Runtime.InteropServices;
using Assistant.Core;
using Assistant.Core.Ledger;
using Microsoft.Data.Sqlite;

namespace Assistant.Retrieval.Sqlite;

/// <summary>The embedded index: one SQLite file with documents, chunks, an FTS5 table and the vectors.</summary>
/// <remarks>
/// A build copies the current file aside, changes the copy and renames it over the original, an atomic
/// replace on POSIX and NTFS: readers see the old or the new version, and a failed or killed build leaves
/// the old one serving.
/// </remarks>
public sealed class SqliteIndexStore(string path) : IIndexStore
{
    // 4: layers stored as ids (not bit positions of the taxonomy's order); 5: the terms ledger and its vectors;
    // 6: the statistics of the passages.
    internal const int SchemaVersion = 6;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string Description => $"SQLite file {Path}";

    public bool Exists => File.Exists(Path);

    public Task<IndexManifest?> ReadManifestAsync(CancellationToken ct = default)
    {
        if (!Exists)
            return Task.FromResult<IndexManifest?>(null);
        using var c = Connect(Path, readOnly: true);
        return Task.FromResult<IndexManifest?>(ReadManifest(c, Path));
    }

    public Task<IPassageIndex> OpenAsync(CancellationToken ct = default)
    {
        if (!Exists)
            throw new IndexUnavailableException($"No index at {Path}. Run `assistant ingest` to build it.");
        return Task.FromResult<IPassageIndex>(new SqliteIndex(Path));
    }

    public Task<IIndexBuilder> BeginBuildAsync(IndexManifest manifest, bool fresh, CancellationToken ct = default) =>
        Task.FromResult<IIndexBuilder>(new SqliteIndexBuilder(this, manifest, fresh));

    internal static SqliteConnection Connect(string file, bool readOnly)
    {
        // No pooling: a pooled connection could keep reading a file that a build has since replaced.
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        var c = new SqliteConnection(cs);
        c.Open();
        return c;
    }

    internal static IndexManifest ReadManifest(SqliteConnection c, string file)
    {
        try
        {
            var meta = new Dictionary<string, string>();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT key, value FROM meta";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                meta[r.GetString(0)] = r.GetString(1);
            if (!meta.TryGetValue("schema_version", out var v) || int.Parse(v, CultureInfo.InvariantCulture) != SchemaVersion)
                throw new IndexUnavailableException($"{file} was written by another version of the assistant. Delete it and run `assistant ingest`.");
            return new IndexManifest(meta["embedding_model"], int.Parse(meta["dimensions"], CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(meta["built_at"], CultureInfo.InvariantCulture), SchemaVersion);
        }
        catch (SqliteException e)
        {
            throw new IndexUnavailableException($"{file} is not a readable index ({e.Message}). Delete it and run `assistant ingest`.");
        }
    }

    internal static byte[] ToBytes(ReadOnlyMemory<float> v) => MemoryMarshal.AsBytes(v.Span).ToArray();

    internal static string LayersText(IEnumerable<string> layers) => string.Join(',', layers);

    internal static IReadOnlyList<string> ParseLayers(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Writes the next version of a SQLite index in a side file and renames it into place on commit.</summary>
internal sealed class SqliteIndexBuilder : IIndexBuilder
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS documents (
            id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT NOT NULL, date_inferred INTEGER NOT NULL,
            publisher TEXT, url TEXT, confidence TEXT NOT NULL, kind TEXT NOT NULL, layers TEXT NOT NULL,
            path TEXT NOT NULL, content_hash TEXT NOT NULL, body_offset INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS chunks (
            id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), ordinal INTEGER NOT NULL,
            section TEXT NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
            layers TEXT NOT NULL, sentences TEXT NOT NULL, date TEXT NOT NULL, vector BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
        CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(title, section, body, tokenize = 'porter unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'row');
        CREATE TABLE IF NOT EXISTS terms (ordinal INTEGER PRIMARY KEY, id TEXT NOT NULL, layer TEXT NOT NULL, since TEXT NOT NULL, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS term_texts (term_id TEXT NOT NULL, ordinal INTEGER NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS statistics (json TEXT NOT NULL);
        """;

    private readonly SqliteIndexStore _store;
    private readonly IndexManifest _manifest;
    private readonly string _temp;
    private readonly FileStream _lock;
    private SqliteConnection? _connection;
    private SqliteTransaction? _tx;
    private string? _ledgerHash;

    public SqliteIndexBuilder(SqliteIndexStore store, IndexManifest manifest, bool fresh)
    {
        _store = store;
        _manifest = manifest;
        Directory.CreateDirectory(Path.GetDirectoryName(store.Path)!);
        _lock = AcquireLock(store.Path);
        _temp = $"{store.Path}.building-{Environment.ProcessId}";
        try
        {
            foreach (var stale in Directory.EnumerateFiles(Path.GetDirectoryName(store.Path)!, Path.GetFileName(store.Path) + ".building-*"))
                TryDelete(stale);
            if (!fresh && store.Exists)
                File.Copy(store.Path, _temp, overwrite: true);
            _connection = SqliteIndexStore.Connect(_temp, readOnly: false);
            Execute("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;");
            Execute(Schema);
            _tx = _connection.BeginTransaction();
            var hashes = new Dictionary<string, string>();
            using (var cmd = Command("SELECT id, content_hash FROM documents"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                    hashes[r.GetString(0)] = r.GetString(1);
            }
            ExistingHashes = hashes;
            using (var cmd = Command("SELECT value FROM meta WHERE key = 'ledger_hash'"))
                ExistingLedgerHash = _ledgerHash = cmd.ExecuteScalar() as string;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyDictionary<string, string> ExistingHashes { get; }

    public string? ExistingLedgerHash { get; }

    public Task ReplaceTermsAsync(TermsLedger ledger, IReadOnlyList<TermVector> vectors, string version, CancellationToken ct = default)
    {
        if (vectors.FirstOrDefault(v => v.Vector.Length != _manifest.Dimensions) is { } wrong)
            throw new EmbeddingMismatchException(wrong.Vector.Length, _manifest);
        Execute("DELETE FROM terms; DELETE FROM term_texts;");
        using (var cmd = Command("INSERT INTO terms (ordinal, id, layer, since, json) VALUES ($o, $id, $layer, $since, $json)"))
        {
            for (var i = 0; i < ledger.Terms.Count; i++)
            {
                var t = ledger.Terms[i];
                cmd.Parameters.Clear();
                cmd.Parameters.AddWithValue("$o", i);
                cmd.Parameters.AddWithValue("$id", t.Id);
                cmd.Parameters.AddWithValue("$layer", t.Layer);
                cmd.Parameters.AddWithValue("$since", Dates.Iso(t.States[0].From));
                cmd.Parameters.AddWithValue("$json", TermsLedger.Serialize(t));
                cmd.ExecuteNonQuery();
            }
        }
        using (var cmd = Command("INSERT INTO term_texts (term_id, ordinal, text, vector) VALUES ($id, $o, $text, $v)"))
        {
            for (var i = 0; i < vectors.Count; i++)
            {
                cmd.Parameters.Clear();
                cmd.Parameters.AddWithValue("$id", vectors[i].TermId);
                cmd.Parameters.AddWithValue("$o", i);
                cmd.Parameters.AddWithValue("$text", vectors[i].Text);
                cmd.Parameters.AddWithValue("$v", SqliteIndexStore.ToBytes(vectors[i].Vector));
                cmd.ExecuteNonQuery();
            }
        }
        _ledgerHash = version;
        return Task.CompletedTask;
    }

    public Task UpsertAsync(SourceDocument document, IReadOnlyList<Chunk> chunks, IReadOnlyList<ReadOnlyMemory<float>> vectors, CancellationToken ct = default)
    {
        Upsert(document, chunks, vectors);
        return Task.CompletedTask;
    }

    private void Upsert(SourceDocument document, IReadOnlyList<Chunk> chunks, IReadOnlyList<ReadOnlyMemory<float>> vectors)
    {
        if (chunks.Count != vectors.Count)
            throw new ArgumentException("one vector per chunk is required", nameof(vectors));
        foreach (var v in vectors)
        {
            if (v.Length != _manifest.Dimensions)
                throw new EmbeddingMismatchException(v.Length, _manifest);
        }
        Delete(document.Info.Id);
        var d = document.Info;
        using (var cmd = Command("""
            INSERT INTO documents (id, title, date, date_inferred, publisher, url, confidence, kind, layers, path, content_hash, body_offset)
            VALUES ($id, $title, $date, $inferred, $publisher, $url, $confidence, $kind, $layers, $path, $hash, $offset)
            """))
        {
            cmd.Parameters.AddWithValue("$id", d.Id);
            cmd.Parameters.AddWithValue("$title", d.Title);
            cmd.Parameters.AddWithValue("$date", Dates.Iso(d.Date));
            cmd.Parameters.AddWithValue("$inferred", d.DateInferred ? 1 : 0);
            cmd.Parameters.AddWithValue("$publisher", (object?)d.Publisher ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$url", (object?)d.Url ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$confidence", d.Confidence.ToString().ToLowerInvariant());
            cmd.Parameters.AddWithValue("$kind", d.Kind);
            cmd.Parameters.AddWithValue("$layers", SqliteIndexStore.LayersText(d.Layers));
            cmd.Parameters.AddWithValue("$path", d.Path);
            cmd.Parameters.AddWithValue("$hash", document.ContentHash);
            cmd.Parameters.AddWithValue("$offset", document.BodyOffset);
            cmd.ExecuteNonQuery();
        }
        using var chunk = Command("""
            INSERT INTO chunks (doc_id, ordinal, section, text, start, end, layers, sentences, date, vector)
            VALUES ($doc, $ordinal, $section, $text, $start, $end, $layers, $sentences, $date, $vector) RETURNING id
            """);
        using var fts = Command("INSERT INTO chunks_fts (rowid, title, section, body) VALUES ($id, $title, $section, $body)");
        for (var i = 0; i < chunks.Count; i++)
        {
            var c = chunks[i];
            chunk.Parameters.Clear();
            chunk.Parameters.AddWithValue("$doc", d.Id);
            chunk.Parameters.AddWithValue("$ordinal", c.Ordinal);
            chunk.Parameters.AddWithValue("$section", c.Section);
            chunk.Parameters.AddWithValue("$text", c.Text);
            chunk.Parameters.AddWithValue("$start", c.Start);
            chunk.Parameters.AddWithValue("$end", c.End);
            chunk.Parameters.AddWithValue("$layers", SqliteIndexStore.LayersText(c.Layers));
            chunk.Parameters.AddWithValue("$sentences", ChunkEncoding.SentencesJson(c.Sentences));
            chunk.Parameters.AddWithValue("$date", Dates.Iso(d.Date));
            chunk.Parameters.AddWithValue("$vector", SqliteIndexStore.ToBytes(vectors[i]));
            var id = (long)chunk.ExecuteScalar()!;
            fts.Parameters.Clear();
            fts.Parameters.AddWithValue("$id", id);
            fts.Parameters.AddWithValue("$title", d.Title);
            fts.Parameters.AddWithValue("$section", c.Section);
            fts.Parameters.AddWithValue("$body", c.Text);
            fts.ExecuteNonQuery();
        }
    }

    public Task DeleteAsync(string docId, CancellationToken ct = default)
    {
        Delete(docId);
        return Task.CompletedTask;
    }

    private void Delete(string docId)
    {
        using (var cmd = Command("DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE doc_id = $id)"))
        {
            cmd.Parameters.AddWithValue("$id", docId);
            cmd.ExecuteNonQuery();
        }
        using (var cmd = Command("DELETE FROM chunks WHERE doc_id = $id"))
        {
            cmd.Parameters.AddWithValue("$id", docId);
            cmd.ExecuteNonQuery();
        }
        using (var cmd = Command("DELETE FROM documents WHERE id = $id"))
        {
            cmd.Parameters.AddWithValue("$id", docId);
            cmd.ExecuteNonQuery();
        }
    }

    public int ChunkCount
    {
        get
        {
            using var cmd = Command("SELECT COUNT(*) FROM chunks");
            return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    public Task CommitAsync(IndexStatistics statistics, CancellationToken ct = default)
    {
        Commit(statistics);
        return Task.CompletedTask;
    }

    private void Commit(IndexStatistics statistics)
    {
        Execute("DELETE FROM statistics");
        using (var cmd = Command("INSERT INTO statistics (json) VALUES ($json)"))
        {
            cmd.Parameters.AddWithValue("$json", statistics.ToJson());
            cmd.ExecuteNonQuery();
        }
        var meta = new Dictionary<string, string>
        {
            ["schema_version"] = SqliteIndexStore.SchemaVersion.ToString(CultureInfo.InvariantCulture),
            ["embedding_model"] = _manifest.EmbeddingModel,
            ["dimensions"] = _manifest.Dimensions.ToString(CultureInfo.InvariantCulture),
            ["built_at"] = _manifest.BuiltAt.ToString("O", CultureInfo.InvariantCulture),
            ["ledger_hash"] = _ledgerHash ?? "",
        };
        foreach (var (k, v) in meta)
        {
            using var cmd = Command("INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
            cmd.Parameters.AddWithValue("$k", k);
            cmd.Parameters.AddWithValue("$v", v);
            cmd.ExecuteNonQuery();
        }
        _tx!.Commit();
        _tx = null;
        Execute("PRAGMA optimize;");
        _connection!.Dispose();
        _connection = null;
        File.Move(_temp, _store.Path, overwrite: true);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Dispose()
    {
        _tx?.Dispose();
        _connection?.Dispose();
        if (_connection is not null || File.Exists(_temp))
            TryDelete(_temp);
        _lock.Dispose();
    }

    /// <summary>One build at a time per index: an exclusive lock on <c>index.db.lock</c> beside it (released by the OS if the
    /// process dies), so a second build stops with a clear message instead of deleting the first one's side file.</summary>
    private static FileStream AcquireLock(string index)
    {
        var file = index + ".lock";
        try
        {
            return new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IndexUnavailableException(
                $"Another ingest is building the index {index} (it holds {file}). Wait for it to finish, then run `assistant ingest` again.");
        }
    }

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql)
    {
        var cmd = _connection!.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = _tx;
        return cmd;
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Left for the next build, which deletes stale side files first.
        }
    }
}
