using System.Globalization;
using Assistant.Core;
using Assistant.Core.Ledger;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace Assistant.Retrieval.Qdrant;

/// <summary>The index in Qdrant: readers query an alias; every build is a new collection swapped in under it.</summary>
/// <remarks>One collection per version, named "{alias}-{UTC timestamp}", with a named dense vector (cosine), a named
/// sparse vector with Qdrant's IDF modifier for keywords, payload indexes on layers, doc_id, date, kind and ordinal, the
/// index manifest in the collection's metadata and the passages' statistics in points of their own. A commit moves the
/// alias in one UpdateAliases call.</remarks>
public sealed class QdrantIndexStore : IIndexStore, IDisposable
{
    // 2: sentence layers stored as ids (not bit positions of the taxonomy's order); 3: the statistics points and each
    // document's chunk count on its chunks.
    public const int SchemaVersion = 3;
    internal const int Batch = 128;

    private readonly ILogger _log;

    public QdrantIndexStore(QdrantSettings settings, ILoggerFactory? loggers = null)
    {
        settings.Validate();
        Settings = settings;
        _log = (ILogger?)loggers?.CreateLogger<QdrantIndexStore>() ?? NullLogger.Instance;
        Client = new QdrantClient(new Uri(settings.Endpoint), settings.ApiKey, TimeSpan.FromSeconds(settings.TimeoutSeconds), loggers);
    }

    public QdrantSettings Settings { get; }

    internal QdrantClient Client { get; }

    public string Alias => Settings.Collection;

    public string Description => $"Qdrant collection alias '{Alias}' at {Settings.Endpoint}";

    public async Task<IndexManifest?> ReadManifestAsync(CancellationToken ct = default)
    {
        var collection = await CurrentCollectionAsync(ct).ConfigureAwait(false);
        return collection is null ? null : await ManifestAsync(collection, ct).ConfigureAwait(false);
    }

    public async Task<IPassageIndex> OpenAsync(CancellationToken ct = default)
    {
        var collection = await CurrentCollectionAsync(ct).ConfigureAwait(false)
            ?? throw new IndexUnavailableException($"No index in {Description}. Run `assistant ingest` or `assistant migrate --to qdrant` to build it.");
        var manifest = await ManifestAsync(collection, ct).ConfigureAwait(false);
        var documents = await Call(() => ScrollAllAsync(collection, withVectors: false, ct, QdrantPoints.FirstChunks(), QdrantPoints.DocumentFields()), "read the documents").ConfigureAwait(false);
        var terms = await Call(() => ScrollAllAsync(collection, withVectors: true, ct, QdrantPoints.TermsOnly()), "read the terms ledger").ConfigureAwait(false);
        var statistics = await Call(() => ScrollAllAsync(collection, withVectors: false, ct, QdrantPoints.StatisticsOnly(), limit: 1), "read the statistics").ConfigureAwait(false);
        return new QdrantIndex(this, manifest, documents, terms, QdrantPoints.Statistics(statistics));
    }

    public async Task<IIndexBuilder> BeginBuildAsync(IndexManifest manifest, bool fresh, CancellationToken ct = default)
    {
        var current = await CurrentCollectionAsync(ct).ConfigureAwait(false);
        var name = $"{Alias}-{DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}";
        await Call(() => CreateCollectionAsync(name, manifest, ct), $"create collection {name}").ConfigureAwait(false);
        var builder = new QdrantIndexBuilder(this, name, current, manifest);
        try
        {
            if (!fresh && current is not null)
                await builder.CopyFromAsync(current, ct).ConfigureAwait(false);
            return builder;
        }
        catch
        {
            await builder.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void Dispose() => Client.Dispose();

    /// <summary>The collection the alias points at, or null when there is none yet.</summary>
    internal async Task<string?> CurrentCollectionAsync(CancellationToken ct)
    {
        var aliases = await Call(() => Client.ListAliasesAsync(ct), "list aliases").ConfigureAwait(false);
        return aliases.FirstOrDefault(a => a.AliasName == Alias)?.CollectionName;
    }

    private async Task<IndexManifest> ManifestAsync(string collection, CancellationToken ct)
    {
        var info = await Call(() => Client.GetCollectionInfoAsync(collection, ct), $"read collection {collection}").ConfigureAwait(false);
        var meta = info.Config.Metadata;
        if (!meta.TryGetValue("embedding_model", out var model) || !meta.TryGetValue("dimensions", out var dims)
            || !meta.TryGetValue("schema_version", out var schema) || schema.IntegerValue != SchemaVersion)
        {
            throw new IndexUnavailableException($"Collection {collection} in {Description} was not written by this version of the assistant (no manifest in its metadata). Run `assistant ingest` to rebuild it.");
        }
        var built = meta.TryGetValue("built_at", out var at) ? DateTimeOffset.Parse(at.StringValue, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue;
        return new IndexManifest(model.StringValue, (int)dims.IntegerValue, built, SchemaVersion);
    }

    private async Task CreateCollectionAsync(string name, IndexManifest manifest, CancellationToken ct)
    {
        var create = new CreateCollection
        {
            CollectionName = name,
            VectorsConfig = new VectorsConfig
            {
                ParamsMap = new VectorParamsMap { Map = { [QdrantPoints.Dense] = new VectorParams { Size = (ulong)manifest.Dimensions, Distance = Distance.Cosine } } },
            },
            SparseVectorsConfig = new SparseVectorConfig { Map = { [QdrantPoints.Keywords] = new SparseVectorParams { Modifier = Modifier.Idf } } },
        };
        create.Metadata["embedding_model"] = manifest.EmbeddingModel;
        create.Metadata["dimensions"] = manifest.Dimensions;
        create.Metadata["built_at"] = manifest.BuiltAt.ToString("O", CultureInfo.InvariantCulture);
        create.Metadata["schema_version"] = SchemaVersion;
        await Client.CreateCollectionAsync(create, ct).ConfigureAwait(false);
        await Client.CreatePayloadIndexAsync(name, "layers", PayloadSchemaType.Keyword, cancellationToken: ct).ConfigureAwait(false);
        await Client.CreatePayloadIndexAsync(name, "doc_id", PayloadSchemaType.Keyword, cancellationToken: ct).ConfigureAwait(false);
        await Client.CreatePayloadIndexAsync(name, "date", PayloadSchemaType.Datetime, cancellationToken: ct).ConfigureAwait(false);
        await Client.CreatePayloadIndexAsync(name, QdrantPoints.Kind, PayloadSchemaType.Keyword, cancellationToken: ct).ConfigureAwait(false);
        await Client.CreatePayloadIndexAsync(name, "ordinal", PayloadSchemaType.Integer, cancellationToken: ct).ConfigureAwait(false);
    }

    internal async Task<List<RetrievedPoint>> ScrollAllAsync(string collection, bool withVectors, CancellationToken ct, Filter? filter = null,
        WithPayloadSelector? payload = null, uint limit = 256)
    {
        var all = new List<RetrievedPoint>();
        PointId? offset = null;
        do
        {
            var page = await Client.ScrollAsync(collection, filter: filter, limit: limit, offset: offset, payloadSelector: payload ?? true,
                vectorsSelector: withVectors, cancellationToken: ct).ConfigureAwait(false);
            all.AddRange(page.Result);
            offset = page.NextPageOffset;
        }
        while (offset is not null);
        return all;
    }

    /// <summary>Runs a Qdrant call, turning transport failures into a clear, named error.</summary>
    internal async Task<T> Call<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            _log.LogWarning("Qdrant call failed ({What}): {Status}", what, e.StatusCode);
            throw new IndexUnavailableException(e.StatusCode switch
            {
                StatusCode.DeadlineExceeded => $"{Description} did not answer within {Settings.TimeoutSeconds:0.#} s (while trying to {what}).",
                StatusCode.Unauthenticated or StatusCode.PermissionDenied => $"{Description} refused the request (check Qdrant__ApiKey) while trying to {what}.",
                _ => $"{Description} is unavailable ({e.Status.Detail}) while trying to {what}. Is Qdrant running? See README, \"Scaling out\".",
            });
        }
    }

    internal async Task Call(Func<Task> call, string what) =>
        await Call(async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, what).ConfigureAwait(false);
}

/// <summary>Builds the next version in a new collection; the alias moves only on commit, and an abandoned build is dropped.</summary>
internal sealed class QdrantIndexBuilder(QdrantIndexStore store, string collection, string? previous, IndexManifest manifest) : IIndexBuilder
{
    private readonly Dictionary<string, (string Hash, int Chunks)> _documents = new(StringComparer.Ordinal);
    private bool _committed;

    public string Collection => collection;

    public IReadOnlyDictionary<string, string> ExistingHashes => _documents.ToDictionary(kv => kv.Key, kv => kv.Value.Hash);

    public int ChunkCount => _documents.Values.Sum(d => d.Chunks);

    public string? ExistingLedgerHash { get; private set; }

    public async Task ReplaceTermsAsync(TermsLedger ledger, IReadOnlyList<TermVector> vectors, string version, CancellationToken ct = default)
    {
        if (vectors.FirstOrDefault(v => v.Vector.Length != manifest.Dimensions) is { } wrong)
            throw new EmbeddingMismatchException(wrong.Vector.Length, manifest);
        await store.Call(() => store.Client.DeleteAsync(collection, QdrantPoints.TermsOnly(), wait: true, cancellationToken: ct), $"delete the terms from {collection}").ConfigureAwait(false);
        var points = new List<PointStruct>();
        var position = 0;
        foreach (var term in ledger.Terms)
        {
            var ordinal = 0;
            foreach (var text in vectors.Where(v => v.TermId == term.Id))
                points.Add(QdrantPoints.ToTermPoint(term, ordinal++, text, version, position++));
        }
        foreach (var batch in points.Chunk(QdrantIndexStore.Batch))
            await store.Call(() => store.Client.UpsertAsync(collection, batch, wait: true, cancellationToken: ct), $"upsert the terms into {collection}").ConfigureAwait(false);
        ExistingLedgerHash = version;
    }

    /// <summary>Copies every chunk and term point (vectors included) of the current version, so unchanged documents are not
    /// re-embedded; the statistics are written anew on commit.</summary>
    internal async Task CopyFromAsync(string source, CancellationToken ct)
    {
        var points = await store.Call(() => store.ScrollAllAsync(source, withVectors: true, ct), $"copy collection {source}").ConfigureAwait(false);
        points.RemoveAll(p => !QdrantPoints.IsChunk(p.Payload) && !QdrantPoints.IsTerm(p.Payload));
        foreach (var batch in points.Chunk(QdrantIndexStore.Batch))
        {
            var copies = batch.Select(p =>
            {
                var copy = new PointStruct { Id = p.Id, Vectors = new Vectors { Vectors_ = new NamedVectors() } };
                foreach (var (name, v) in p.Vectors.Vectors.Vectors)
                    copy.Vectors.Vectors_.Vectors[name] = QdrantPoints.Copy(v);
                copy.Payload.Add(p.Payload);
                return copy;
            }).ToList();
            await store.Call(() => store.Client.UpsertAsync(collection, copies, wait: true, cancellationToken: ct), $"copy points into {collection}").ConfigureAwait(false);
        }
        foreach (var group in points.Where(p => QdrantPoints.IsChunk(p.Payload)).GroupBy(p => p.Payload["doc_id"].StringValue))
            _documents[group.Key] = (group.First().Payload["content_hash"].StringValue, group.Count());
        ExistingLedgerHash = points.FirstOrDefault(p => QdrantPoints.IsTerm(p.Payload))?.Payload["ledger_hash"].StringValue;
    }

    public async Task UpsertAsync(SourceDocument document, IReadOnlyList<Chunk> chunks, IReadOnlyList<ReadOnlyMemory<float>> vectors, CancellationToken ct = default)
    {
        if (chunks.Count != vectors.Count)
            throw new ArgumentException($"{chunks.Count} chunks but {vectors.Count} vectors", nameof(vectors));
        if (vectors.FirstOrDefault(v => v.Length != manifest.Dimensions) is { Length: > 0 } wrong)
            throw new EmbeddingMismatchException(wrong.Length, manifest);
        // Stale points of an earlier version of the document go first; the new ones have ids of their own content.
        if (_documents.ContainsKey(document.Info.Id))
            await DeleteAsync(document.Info.Id, ct).ConfigureAwait(false);
        foreach (var batch in chunks.Select((c, i) => QdrantPoints.ToPoint(document, c, vectors[i], chunks.Count)).Chunk(QdrantIndexStore.Batch))
            await store.Call(() => store.Client.UpsertAsync(collection, batch, wait: true, cancellationToken: ct), $"upsert into {collection}").ConfigureAwait(false);
        _documents[document.Info.Id] = (document.ContentHash, chunks.Count);
    }

    public async Task DeleteAsync(string docId, CancellationToken ct = default)
    {
        var filter = new Filter { Must = { Conditions.MatchKeyword("doc_id", docId) } };
        await store.Call(() => store.Client.DeleteAsync(collection, filter, wait: true, cancellationToken: ct), $"delete {docId} from {collection}").ConfigureAwait(false);
        _documents.Remove(docId);
    }

    public async Task CommitAsync(IndexStatistics statistics, CancellationToken ct = default)
    {
        await store.Call(() => store.Client.DeleteAsync(collection, QdrantPoints.StatisticsOnly(), wait: true, cancellationToken: ct), $"delete the statistics from {collection}").ConfigureAwait(false);
        foreach (var part in QdrantPoints.ToStatisticsPoints(statistics))
            await store.Call(() => store.Client.UpsertAsync(collection, [part], wait: true, cancellationToken: ct), $"upsert the statistics into {collection}").ConfigureAwait(false);
        var operations = new List<AliasOperations>();
        if (previous is not null)
            operations.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = store.Alias } });
        operations.Add(new AliasOperations { CreateAlias = new CreateAlias { AliasName = store.Alias, CollectionName = collection } });
        await store.Call(() => store.Client.UpdateAliasesAsync(operations, cancellationToken: ct), $"move alias {store.Alias} to {collection}").ConfigureAwait(false);
        _committed = true;
        if (previous is not null)
            await DropAsync(previous).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_committed)
            await DropAsync(collection).ConfigureAwait(false);
    }

    // Best effort: a collection left behind is harmless to readers (they follow the alias) and is named by its build time.
    private async Task DropAsync(string name)
    {
        try
        {
            await store.Client.DeleteCollectionAsync(name).ConfigureAwait(false);
        }
        catch (RpcException)
        {
        }
    }
}
