using System.Numerics.Tensors;
using Assistant.Core;
using Assistant.Core.Ledger;
using Qdrant.Client.Grpc;

namespace Assistant.Retrieval.Qdrant;

/// <summary>Reading the Qdrant index: hybrid search in one Query API call (dense and sparse prefetch fused by RRF,
/// filtered by date); the documents, the terms ledger and the statistics read at open; a document's chunks read when asked.</summary>
/// <remarks>Search and chunk reads go through the alias, so each sees one whole version, old or new; what was read at open
/// is the version current then, until the host serves a newer one. Memory does not grow with the chunks.</remarks>
public sealed class QdrantIndex : IPassageIndex
{
    // Ledger answers quote the passages of a few documents again and again.
    private const int CachedDocuments = 64;

    private readonly QdrantIndexStore _store;
    private readonly Dictionary<string, IReadOnlyList<Chunk>> _cache = new(StringComparer.Ordinal);
    private readonly Queue<string> _cacheOrder = new();

    internal QdrantIndex(QdrantIndexStore store, IndexManifest manifest, IReadOnlyList<RetrievedPoint> firstChunks, IReadOnlyList<RetrievedPoint> terms, IndexStatistics statistics)
    {
        var ordered = terms.OrderBy(p => p.Payload["position"].IntegerValue).ToList();
        Ledger = new TermsLedger([.. ordered.Where(p => p.Payload.ContainsKey("term_json")).Select(p => TermsLedger.Deserialize(p.Payload["term_json"].StringValue))]);
        TermVectors = [.. ordered.Select(p => new TermVector(p.Payload["term_id"].StringValue, p.Payload["text"].StringValue,
            QdrantPoints.DenseOf(p.Vectors.Vectors.Vectors[QdrantPoints.Dense]).ToArray()))];
        _store = store;
        Manifest = manifest;
        Statistics = statistics;
        Documents = [.. firstChunks.Select(p => new IndexedDocument(QdrantPoints.Document(p.Payload), p.Payload["content_hash"].StringValue, (int)p.Payload["doc_chunks"].IntegerValue))
            .OrderBy(d => d.Info.Date).ThenBy(d => d.Info.Id, StringComparer.Ordinal)];
        ChunkCount = Documents.Sum(d => d.Chunks);
    }

    public IndexManifest? Manifest { get; }

    public TermsLedger Ledger { get; }

    public IReadOnlyList<TermVector> TermVectors { get; }

    public IndexStatistics Statistics { get; }

    public IReadOnlyList<IndexedDocument> Documents { get; }

    public int ChunkCount { get; }

    public IReadOnlyList<Chunk> ChunksOf(string docId)
    {
        lock (_cache)
        {
            if (_cache.TryGetValue(docId, out var cached))
                return cached;
        }
        // The port is synchronous (the engine looks up a quote's passage while composing): one scroll call, waited for.
        var points = _store.Call(() => _store.ScrollAllAsync(_store.Alias, withVectors: false, CancellationToken.None, QdrantPoints.ChunksOf(docId)),
            $"read the chunks of {docId}").GetAwaiter().GetResult();
        IReadOnlyList<Chunk> chunks = [.. points.Select(p => QdrantPoints.Chunk(p.Payload)).OrderBy(c => c.Ordinal)];
        lock (_cache)
        {
            if (_cache.TryAdd(docId, chunks))
                _cacheOrder.Enqueue(docId);
            if (_cacheOrder.Count > CachedDocuments)
                _cache.Remove(_cacheOrder.Dequeue());
        }
        return chunks;
    }

    public async Task<IReadOnlyList<Passage>> SearchAsync(HybridQuery query, CancellationToken ct = default)
    {
        if (query.Vector.Length != 0 && query.Vector.Length != Manifest!.Dimensions)
            throw new EmbeddingMismatchException(query.Vector.Length, Manifest);
        var filter = Filter(query);
        var prefetch = new List<PrefetchQuery>();
        if (query.Vector.Length != 0)
            prefetch.Add(new PrefetchQuery { Query = query.Vector.ToArray(), Using = QdrantPoints.Dense, Limit = (ulong)query.Candidates, Filter = filter });
        var keywords = QdrantPoints.QueryKeywords(query.Text);
        if (keywords.Indices.Length > 0)
            prefetch.Add(new PrefetchQuery { Query = keywords, Using = QdrantPoints.Keywords, Limit = (ulong)query.Candidates, Filter = filter });
        if (prefetch.Count == 0)
            return [];
        var points = await _store.Call(() => _store.Client.QueryAsync(_store.Alias, query: Fusion.Rrf, prefetch: prefetch, filter: filter,
            limit: (ulong)query.Top, payloadSelector: true, vectorsSelector: new WithVectorsSelector { Include = new VectorsSelector { Names = { QdrantPoints.Dense } } },
            cancellationToken: ct), "search").ConfigureAwait(false);
        return [.. points.Select(p => new Passage(QdrantPoints.Chunk(p.Payload), QdrantPoints.Document(p.Payload), p.Score, null, null,
            Similarity(query.Vector, p)))];
    }

    public async IAsyncEnumerable<IndexedContent> ExportAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var collection = await _store.CurrentCollectionAsync(ct).ConfigureAwait(false)
            ?? throw new IndexUnavailableException($"No index in {_store.Description}.");
        var points = await _store.Call(() => _store.ScrollAllAsync(collection, withVectors: true, ct, QdrantPoints.ChunksOnly()), "read the index").ConfigureAwait(false);
        var byDocument = points.GroupBy(p => p.Payload["doc_id"].StringValue).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var doc in Documents)
        {
            var ordered = byDocument.GetValueOrDefault(doc.Info.Id)?.OrderBy(p => p.Payload["ordinal"].IntegerValue).ToList() ?? [];
            yield return new IndexedContent(doc, [.. ordered.Select(p => QdrantPoints.Chunk(p.Payload))],
                [.. ordered.Select(p => new ReadOnlyMemory<float>([.. QdrantPoints.DenseOf(p.Vectors.Vectors.Vectors[QdrantPoints.Dense])]))]);
        }
    }

    public void Dispose()
    {
    }

    private static Filter? Filter(HybridQuery query)
    {
        var filter = QdrantPoints.ChunksOnly();
        if (query.AsOf is { } day)
            filter.Must.Add(Conditions.DatetimeRange("date", lte: day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)));
        return filter;
    }

    // The evidence scorer weighs the cosine of query and passage; Qdrant returns the passage's vector for it.
    private static double Similarity(ReadOnlyMemory<float> query, ScoredPoint p) =>
        query.Length != 0 && p.Vectors?.Vectors?.Vectors.TryGetValue(QdrantPoints.Dense, out var v) == true && QdrantPoints.DenseOf(v) is { } dense && dense.Count == query.Length
            ? TensorPrimitives.CosineSimilarity(query.Span, dense.ToArray())
            : 0;
}
