using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Assistant.Core;
using Assistant.Core.Ledger;
using Microsoft.Data.Sqlite;

namespace Assistant.Retrieval.Sqlite;

/// <summary>A read-only view of one version of the SQLite index: chunks and vectors in memory, FTS5 on disk.</summary>
public sealed class SqliteIndex : IPassageIndex
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, int> _rowToSlot = [];
    private readonly List<Chunk> _chunks = [];
    private readonly List<DocumentInfo> _chunkDocs = [];
    private readonly float[] _vectors;
    private readonly Dictionary<string, IndexedDocument> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Chunk>> _byDocument = new(StringComparer.Ordinal);

    internal SqliteIndex(string file)
    {
        // The open connection pins this version: a later build renames a new file over the path, and this
        // connection keeps reading the old one until it is disposed.
        _connection = SqliteIndexStore.Connect(file, readOnly: true);
        Manifest = SqliteIndexStore.ReadManifest(_connection, file);
        var counts = new Dictionary<string, int>();
        var vectors = new List<float>();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT id, title, date, date_inferred, publisher, url, confidence, kind, layers, path, content_hash FROM documents";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var info = new DocumentInfo
                {
                    Id = r.GetString(0),
                    Title = r.GetString(1),
                    Date = DateOnly.ParseExact(r.GetString(2), Dates.Format, CultureInfo.InvariantCulture),
                    DateInferred = r.GetInt32(3) != 0,
                    Publisher = r.IsDBNull(4) ? null : r.GetString(4),
                    Url = r.IsDBNull(5) ? null : r.GetString(5),
                    Confidence = Enum.Parse<Confidence>(r.GetString(6), ignoreCase: true),
                    Kind = r.GetString(7),
                    Layers = SqliteIndexStore.ParseLayers(r.GetString(8)),
                    Path = r.GetString(9),
                };
                _documents[info.Id] = new IndexedDocument(info, r.GetString(10), 0);
            }
        }
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT id, doc_id, ordinal, section, text, start, end, layers, sentences, vector FROM chunks ORDER BY doc_id, ordinal";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var docId = r.GetString(1);
                var chunk = new Chunk(docId, r.GetInt32(2), r.GetString(3), r.GetString(4), r.GetInt32(5), r.GetInt32(6),
                    SqliteIndexStore.ParseLayers(r.GetString(7)), ChunkEncoding.ParseSentences(r.GetString(8)));
                _rowToSlot[r.GetInt64(0)] = _chunks.Count;
                _chunks.Add(chunk);
                if (!_byDocument.TryGetValue(docId, out var list))
                    _byDocument[docId] = list = [];
                list.Add(chunk);
                _chunkDocs.Add(_documents[docId].Info);
                vectors.AddRange(MemoryMarshal.Cast<byte, float>((byte[])r.GetValue(9)));
                counts[docId] = counts.GetValueOrDefault(docId) + 1;
            }
        }
        _vectors = [.. vectors];
        (Ledger, TermVectors) = ReadTerms(_connection);
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT json FROM statistics";
            Statistics = IndexStatistics.FromJson((string)cmd.ExecuteScalar()!);
        }
        foreach (var (id, doc) in _documents)
            _documents[id] = doc with { Chunks = counts.GetValueOrDefault(id) };
        Documents = _documents.Values.OrderBy(d => d.Info.Date).ThenBy(d => d.Info.Id, StringComparer.Ordinal).ToList();
    }

    public IndexManifest? Manifest { get; }

    public TermsLedger Ledger { get; }

    public IReadOnlyList<TermVector> TermVectors { get; }

    public IndexStatistics Statistics { get; }

    private static (TermsLedger, IReadOnlyList<TermVector>) ReadTerms(SqliteConnection c)
    {
        var terms = new List<Term>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT json FROM terms ORDER BY ordinal";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                terms.Add(TermsLedger.Deserialize(r.GetString(0)));
        }
        var vectors = new List<TermVector>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT term_id, text, vector FROM term_texts ORDER BY ordinal";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                vectors.Add(new TermVector(r.GetString(0), r.GetString(1), MemoryMarshal.Cast<byte, float>((byte[])r.GetValue(2)).ToArray()));
        }
        return (new TermsLedger(terms), vectors);
    }

    public IReadOnlyList<IndexedDocument> Documents { get; }

    public int ChunkCount => _chunks.Count;

    public IReadOnlyList<Chunk> ChunksOf(string docId) => _byDocument.TryGetValue(docId, out var list) ? list : [];

    public async IAsyncEnumerable<IndexedContent> ExportAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        // Slots are in (document, ordinal) order, as the chunks were read.
        var dims = Manifest!.Dimensions;
        var vectors = Enumerable.Range(0, _chunks.Count).GroupBy(slot => _chunks[slot].DocId)
            .ToDictionary(g => g.Key, g => g.Select(slot => new ReadOnlyMemory<float>(_vectors, slot * dims, dims)).ToList());
        foreach (var doc in Documents)
        {
            ct.ThrowIfCancellationRequested();
            yield return new IndexedContent(doc, ChunksOf(doc.Info.Id), vectors.GetValueOrDefault(doc.Info.Id) ?? []);
        }
    }

    public Task<IReadOnlyList<Passage>> SearchAsync(HybridQuery query, CancellationToken ct = default) => Task.FromResult(Search(query));

    internal IReadOnlyList<Passage> Search(HybridQuery query)
    {
        var dims = Manifest!.Dimensions;
        if (query.Vector.Length != 0 && query.Vector.Length != dims)
            throw new EmbeddingMismatchException(query.Vector.Length, Manifest);
        bool Allowed(int slot) => query.AsOf is not { } asOf || _chunkDocs[slot].Date <= asOf;

        // On large indexes the two rankings run side by side: the keyword side waits on SQLite, the dense side computes.
        var vector = query.Vector;
        var denseTask = _chunks.Count >= ParallelFrom
            ? Task.Run(() => DenseRanking(vector.Span, query.Candidates, Allowed))
            : null;
        var keyword = KeywordRanking(query, Allowed);
        var (dense, similarity) = denseTask?.GetAwaiter().GetResult() ?? DenseRanking(vector.Span, query.Candidates, Allowed);
        var fused = ReciprocalRankFusion.Fuse([keyword, dense]);
        var keywordRank = keyword.Select((slot, i) => (slot, i)).ToDictionary(p => p.slot, p => p.i + 1);
        var denseRank = dense.Select((slot, i) => (slot, i)).ToDictionary(p => p.slot, p => p.i + 1);
        return fused
            .Take(query.Top)
            .Select(f => new Passage(_chunks[f.Key], _chunkDocs[f.Key], f.Score,
                keywordRank.TryGetValue(f.Key, out var k) ? k : null,
                denseRank.TryGetValue(f.Key, out var d) ? d : null,
                similarity.GetValueOrDefault(f.Key)))
            .ToList();
    }

    /// <summary>Terms in more than this share of chunks are left out of the keyword query: they add little to BM25 and cost a score per chunk.</summary>
    public const double CommonTermShare = 0.2;

    /// <summary>From this many chunks on, keyword and dense rankings run in parallel.</summary>
    public const int ParallelFrom = 20_000;

    private List<int> KeywordRanking(HybridQuery query, Func<int, bool> allowed)
    {
        var match = FtsQuery(SelectiveTerms(query.Text));
        if (match.Length == 0)
            return [];
        // The date filter is applied in memory (dates are loaded): joining the chunks table in SQL would cost a
        // lookup per match. With a filter, more candidates are read so enough remain.
        var filtered = query.AsOf is not null;
        var result = new List<int>();
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            // Title and section weigh less than the body: they repeat across every chunk of a document.
            cmd.CommandText = "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH $match ORDER BY bm25(chunks_fts, 0.3, 0.5, 1.0) LIMIT $limit";
            cmd.Parameters.AddWithValue("$match", match);
            cmd.Parameters.AddWithValue("$limit", filtered ? query.Candidates * 8 : query.Candidates);
            using var r = cmd.ExecuteReader();
            while (r.Read() && result.Count < query.Candidates)
            {
                if (_rowToSlot.TryGetValue(r.GetInt64(0), out var slot) && allowed(slot))
                    result.Add(slot);
            }
        }
        return result;
    }

    private (List<int> Ranking, Dictionary<int, double> Similarity) DenseRanking(ReadOnlySpan<float> vector, int candidates, Func<int, bool> allowed)
    {
        if (vector.Length == 0 || _chunks.Count == 0)
            return ([], []);
        var dims = vector.Length;
        var vectors = _vectors.AsSpan();
        // Vectors are unit length, so the dot product is the cosine similarity.
        var top = new PriorityQueue<int, float>(candidates + 1);
        for (var slot = 0; slot < _chunks.Count; slot++)
        {
            if (!allowed(slot))
                continue;
            var score = TensorPrimitives.Dot(vector, vectors.Slice(slot * dims, dims));
            top.Enqueue(slot, score);
            if (top.Count > candidates)
                top.Dequeue();
        }
        var list = new List<(int Slot, float Score)>(top.Count);
        while (top.TryDequeue(out var slot, out var score))
            list.Add((slot, score));
        list.Reverse();
        return (list.Select(p => p.Slot).ToList(), list.ToDictionary(p => p.Slot, p => (double)p.Score));
    }

    /// <summary>The query's words without those too common to rank by (the three rarest are always kept).</summary>
    private string SelectiveTerms(string text)
    {
        var words = Terms.Words(text).Where(w => !Terms.IsStopWord(w)).Distinct().ToList();
        if (words.Count <= 3 || _chunks.Count < 1000)
            return string.Join(' ', words);
        var frequency = new Dictionary<string, long>();
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT doc FROM chunks_vocab WHERE term = $t";
            var p = cmd.Parameters.Add("$t", SqliteType.Text);
            foreach (var w in words)
            {
                // The index stores Porter stems; the word and our light stem cover most of them.
                long most = 0;
                foreach (var form in new[] { w, Terms.Stem(w) }.Distinct())
                {
                    p.Value = form;
                    most = Math.Max(most, cmd.ExecuteScalar() is long n ? n : 0);
                }
                frequency[w] = most;
            }
        }
        var limit = CommonTermShare * _chunks.Count;
        var kept = words.Where(w => frequency[w] <= limit).ToList();
        if (kept.Count < 3)
            kept = words.OrderBy(w => frequency[w]).Take(3).ToList();
        return string.Join(' ', kept);
    }

    /// <summary>An FTS5 OR-query of the text's words, each quoted so no user text is read as FTS syntax.</summary>
    internal static string FtsQuery(string text) =>
        string.Join(" OR ", Terms.Words(text).Where(w => !Terms.IsStopWord(w)).Distinct().Select(w => $"\"{w}\""));

    public void Dispose() => _connection.Dispose();
}
