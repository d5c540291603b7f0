using Assistant.Core;
using Assistant.Ingestion;
using Assistant.Retrieval;
using Assistant.Retrieval.Qdrant;
using Assistant.Retrieval.Sqlite;
using Assistant.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Qdrant.Client.Grpc;

namespace Assistant.Tests.Retrieval;

/// <summary>The exact requests the Qdrant adapter sends, and how it handles failures, checked at the gRPC stand-in.</summary>
[Trait("Category", "Integration")]
public sealed class QdrantWireTests : IAsyncLifetime
{
    private readonly TempCorpus _corpus = new();
    private readonly HashingEmbedder _embedder = new();
    private QdrantStandIn _qdrant = null!;
    private QdrantIndexStore _store = null!;

    public async Task InitializeAsync()
    {
        _qdrant = await QdrantStandIn.StartAsync();
        _store = Store();
        _corpus.Write("hosting.md", TempCorpus.Markdown("hosting", "2026-02-28", "Azure remains the exclusive cloud for hosting OpenAI core models.", "Hosting"));
        _corpus.Write("pentagon.md", TempCorpus.Markdown("pentagon", "2026-03-02", "The Pentagon runs a classified deployment on a government cloud.", "Pentagon"));
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _qdrant.DisposeAsync();
        _corpus.Dispose();
    }

    private QdrantIndexStore Store(double timeout = 10, string? endpoint = null) =>
        new(new QdrantSettings { Endpoint = endpoint ?? _qdrant.Endpoint, Collection = "wire", TimeoutSeconds = timeout });

    private IngestionPipeline Pipeline(IIndexStore store, HashingEmbedder? embedder = null) =>
        _corpus.Pipeline(embedder ?? _embedder, store);

    [Fact]
    public async Task A_build_creates_a_collection_with_named_dense_and_idf_sparse_vectors_payload_indexes_and_the_manifest()
    {
        await Pipeline(_store).RunAsync();

        var create = Assert.Single(_qdrant.Requests<CreateCollection>());
        Assert.StartsWith("wire-", create.CollectionName, StringComparison.Ordinal);
        var dense = create.VectorsConfig.ParamsMap.Map["dense"];
        Assert.Equal((64ul, Distance.Cosine), (dense.Size, dense.Distance));
        Assert.Equal(Modifier.Idf, create.SparseVectorsConfig.Map["keywords"].Modifier);
        Assert.Equal("hashing-test", create.Metadata["embedding_model"].StringValue);
        Assert.Equal(64, create.Metadata["dimensions"].IntegerValue);
        var indexes = _qdrant.Requests<CreateFieldIndexCollection>().ToDictionary(r => r.FieldName, r => r.FieldType);
        Assert.Equal(FieldType.Keyword, indexes["layers"]);
        Assert.Equal(FieldType.Keyword, indexes["doc_id"]);
        Assert.Equal(FieldType.Datetime, indexes["date"]);
        var alias = Assert.Single(_qdrant.Requests<ChangeAliases>()).Actions.Single(a => a.CreateAlias is not null).CreateAlias;
        Assert.Equal(("wire", create.CollectionName), (alias.AliasName, alias.CollectionName));
    }

    [Fact]
    public async Task Points_carry_the_chunk_and_document_in_their_payload_under_ids_that_depend_only_on_content()
    {
        await Pipeline(_store).RunAsync();
        var first = _qdrant.Requests<UpsertPoints>().SelectMany(u => u.Points).OrderBy(p => p.Id.Uuid).ToList();
        await Pipeline(_store, new HashingEmbedder("another-model")).RunAsync();
        var second = _qdrant.Requests<UpsertPoints>().SelectMany(u => u.Points).Skip(first.Count).OrderBy(p => p.Id.Uuid).ToList();

        Assert.Equal(first.Select(p => p.Id.Uuid), second.Select(p => p.Id.Uuid));
        var pentagon = first.Single(p => p.Payload.TryGetValue("doc_id", out var doc) && doc.StringValue == "pentagon");
        Assert.Equal("2026-03-02T00:00:00Z", pentagon.Payload["date"].StringValue);
        Assert.Contains("government", pentagon.Payload["layers"].ListValue.Values.Select(v => v.StringValue));
        Assert.Equal("Pentagon", pentagon.Payload["title"].StringValue);
        Assert.Contains("classified deployment", pentagon.Payload["text"].StringValue, StringComparison.Ordinal);
        Assert.Equal(64, pentagon.Vectors.Vectors_.Vectors["dense"].Dense.Data.Count);
        Assert.NotEmpty(pentagon.Vectors.Vectors_.Vectors["keywords"].Sparse.Indices);
    }

    [Fact]
    public async Task A_hybrid_query_is_one_call_with_dense_and_sparse_prefetch_fused_by_rrf_and_filtered()
    {
        await Pipeline(_store).RunAsync();
        using var index = await _store.OpenAsync();
        var vector = (await _embedder.GenerateAsync(["classified cloud"]))[0].Vector;

        var hits = await index.SearchAsync(new HybridQuery("classified cloud", vector, 7) { AsOf = new DateOnly(2026, 3, 31), Candidates = 40 });

        var query = Assert.Single(_qdrant.Requests<QueryPoints>());
        Assert.Equal("wire", query.CollectionName);
        Assert.Equal(Fusion.Rrf, query.Query.Fusion);
        Assert.Equal(7ul, query.Limit);
        Assert.Equal(["dense", "keywords"], query.Prefetch.Select(p => p.Using));
        Assert.All(query.Prefetch, p => Assert.Equal(40ul, p.Limit));
        Assert.Equal(64, query.Prefetch[0].Query.Nearest.Dense.Data.Count);
        Assert.NotEmpty(query.Prefetch[1].Query.Nearest.Sparse.Indices);
        foreach (var filter in query.Prefetch.Select(p => p.Filter).Append(query.Filter))
        {
            Assert.Equal(new DateTime(2026, 3, 31, 0, 0, 0, DateTimeKind.Utc), filter.Must.Single(c => c.Field.Key == "date").Field.DatetimeRange.Lte.ToDateTime());
        }
        Assert.Equal("pentagon", hits[0].Document.Id);
    }

    [Fact]
    public async Task Opening_an_index_and_the_engine_over_it_reads_no_chunk_text_and_a_document_is_read_when_asked()
    {
        await Pipeline(_store).RunAsync();
        var scrolled = _qdrant.ChunkTextsScrolled;

        using var index = await _store.OpenAsync();
        _ = new Assistant.Answering.AnswerKnowledge(DomainKnowledge.LoadTaxonomy(_corpus.Dir), DomainKnowledge.LoadLexicon(_corpus.Dir), index);

        Assert.Equal(scrolled, _qdrant.ChunkTextsScrolled);
        Assert.Equal(["hosting", "pentagon"], index.Documents.Select(d => d.Info.Id));
        Assert.Equal(2, index.ChunkCount);
        Assert.Contains("classified deployment", Assert.Single(index.ChunksOf("pentagon")).Text, StringComparison.Ordinal);
        Assert.Equal(scrolled + 1, _qdrant.ChunkTextsScrolled);
    }

    [Fact]
    public async Task Qdrant_down_is_a_clear_error_naming_the_endpoint()
    {
        using var store = Store(endpoint: "http://127.0.0.1:9");

        var e = await Assert.ThrowsAsync<IndexUnavailableException>(() => store.OpenAsync());

        Assert.Contains("http://127.0.0.1:9", e.Message, StringComparison.Ordinal);
        Assert.Contains("unavailable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_past_its_deadline_is_a_clear_error()
    {
        await Pipeline(_store).RunAsync();
        using var slow = Store(timeout: 0.3);
        using var index = await slow.OpenAsync();
        _qdrant.BeforeCall = _ => Task.Delay(2000);

        var e = await Assert.ThrowsAsync<IndexUnavailableException>(() => index.SearchAsync(new HybridQuery("cloud", ReadOnlyMemory<float>.Empty)));

        Assert.Contains("did not answer within 0.3 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_that_fails_midway_leaves_the_alias_on_the_previous_collection_and_drops_the_new_one()
    {
        await Pipeline(_store).RunAsync();
        var serving = _qdrant.AliasTarget("wire");
        _corpus.Write("round.md", TempCorpus.Markdown("round", "2026-03-31", "The funding round closed with Amazon as an investor.", "Round"));
        _qdrant.BeforeCall = method => method == "Upsert" ? throw new RpcException(new Status(StatusCode.Unavailable, "connection reset")) : Task.CompletedTask;

        await Assert.ThrowsAsync<IndexUnavailableException>(() => Pipeline(_store).RunAsync());

        _qdrant.BeforeCall = null;
        Assert.Equal(serving, _qdrant.AliasTarget("wire"));
        Assert.Equal([serving!], _qdrant.CollectionNames);
        using var index = await _store.OpenAsync();
        Assert.Equal(["hosting", "pentagon"], index.Documents.Select(d => d.Info.Id));
    }

    [Fact]
    public async Task Migrate_copies_an_embedded_index_into_qdrant_without_embedding_again()
    {
        var sqlite = new SqliteIndexStore(_corpus.IndexPath);
        await Pipeline(sqlite).RunAsync();
        var embedded = _embedder.Embedded;
        using var source = await sqlite.OpenAsync();

        var copied = await IndexMigration.CopyAsync(source, _store);

        Assert.Equal(source.ChunkCount, copied);
        Assert.Equal(embedded, _embedder.Embedded);
        using var index = await _store.OpenAsync();
        Assert.Equal(source.Documents.Select(d => (d.Info.Id, d.ContentHash)), index.Documents.Select(d => (d.Info.Id, d.ContentHash)));
        Assert.Equal(source.Manifest!.EmbeddingModel, index.Manifest!.EmbeddingModel);
        Assert.Equal(source.Statistics.ToJson(), index.Statistics.ToJson());
        var vector = (await _embedder.GenerateAsync(["Pentagon classified"]))[0].Vector;
        Assert.Equal("pentagon", (await index.SearchAsync(new HybridQuery("Pentagon classified", vector)))[0].Document.Id);
    }

    [Fact]
    public async Task With_index_provider_qdrant_the_runtime_builds_and_answers_from_qdrant()
    {
        using var runtime = await TestAssistant.StartAsync(_corpus.Dir, _corpus.IndexPath,
            ("Index:Provider", "qdrant"), ("Qdrant:Endpoint", _qdrant.Endpoint), ("Qdrant:Collection", "wire"));

        var (answer, _) = await runtime.Answerer.AnswerAsync(new Assistant.Answering.AskRequest("Does the Pentagon run a classified deployment?"));

        Assert.IsType<QdrantIndexStore>(runtime.Services.GetRequiredService<IIndexStore>());
        Assert.False(File.Exists(_corpus.IndexPath));
        Assert.Contains(answer.Citations, c => c.DocId == "pentagon");
        Assert.NotEmpty(_qdrant.Requests<QueryPoints>());
    }

    [Fact]
    public async Task A_qdrant_index_built_by_another_embedding_model_is_refused_with_the_command_to_rebuild()
    {
        await Pipeline(_store).RunAsync(); // hashing-test, 64 dimensions
        var e = await Assert.ThrowsAsync<IndexUnavailableException>(() => TestAssistant.StartAsync(_corpus.Dir, _corpus.IndexPath,
            ("Index:Provider", "qdrant"), ("Qdrant:Endpoint", _qdrant.Endpoint), ("Qdrant:Collection", "wire")));

        Assert.Contains("Qdrant collection alias 'wire'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'hashing-test'", e.Message, StringComparison.Ordinal);
        Assert.Contains("assistant ingest", e.Message, StringComparison.Ordinal);
    }
}
