using Assistant.Core;
using Assistant.Ingestion;
using Assistant.Retrieval;
using Assistant.Retrieval.Qdrant;
using Assistant.Retrieval.Sqlite;
using Assistant.Tests.Support;

namespace Assistant.Tests.Retrieval;

/// <summary>The index port's contract, run against every provider: one fixed corpus ingested through the real pipeline.</summary>
public abstract class IndexConformanceTests : IAsyncLifetime
{
    private readonly TempCorpus _corpus = new();
    private readonly HashingEmbedder _embedder = new();

    private protected TempCorpus Corpus => _corpus;

    /// <summary>A store with nothing in it, private to this test.</summary>
    protected abstract Task<IIndexStore> CreateStoreAsync();

    protected IIndexStore Store { get; private set; } = null!;

    /// <summary>Why this provider cannot be tested here (said in the test output), or null.</summary>
    protected virtual string? SkipReason => null;

    public virtual async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        _corpus.Write("hosting.md", TempCorpus.Markdown("hosting", "2026-02-28", "Azure remains the exclusive cloud for hosting OpenAI core models and the stateless API.", "Hosting"));
        _corpus.Write("bedrock.md", TempCorpus.Markdown("bedrock", "2026-04-28", "OpenAI models arrive on Amazon Bedrock through a stateful runtime for agents.", "Bedrock"));
        _corpus.Write("pentagon.md", TempCorpus.Markdown("pentagon", "2026-03-02", "The Pentagon runs a classified deployment on a government cloud.", "Pentagon"));
        _corpus.Write("round.md", TempCorpus.Markdown("round", "2026-03-31", "The funding round closed with Amazon, Nvidia and SoftBank as investors.", "Round"));
    }

    public virtual Task DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        _corpus.Dispose();
        return Task.CompletedTask;
    }

    private IngestionPipeline Pipeline(HashingEmbedder? embedder = null) =>
        _corpus.Pipeline(embedder ?? _embedder, Store);

    private async Task<IReadOnlyList<Passage>> SearchAsync(IPassageIndex index, string text, string? vectorText = null, DateOnly? asOf = null)
    {
        var vector = vectorText is null ? ReadOnlyMemory<float>.Empty : (await _embedder.GenerateAsync([vectorText]))[0].Vector;
        return await index.SearchAsync(new HybridQuery(text, vector, 10) { AsOf = asOf });
    }

    [SkippableFact]
    public async Task Opening_a_store_with_no_index_is_a_clear_error()
    {
        Skip.If(SkipReason is not null, SkipReason);
        Assert.Null(await Store.ReadManifestAsync());
        var e = await Assert.ThrowsAsync<IndexUnavailableException>(() => Store.OpenAsync());
        Assert.Contains("assistant ingest", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Ingested_documents_come_back_with_their_metadata_and_chunks()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await Pipeline().RunAsync();
        using var index = await Store.OpenAsync();

        Assert.Equal(["hosting", "pentagon", "round", "bedrock"], index.Documents.Select(d => d.Info.Id));
        var bedrock = index.Documents.Single(d => d.Info.Id == "bedrock");
        Assert.Equal(new DateOnly(2026, 4, 28), bedrock.Info.Date);
        Assert.Equal("Bedrock", bedrock.Info.Title);
        Assert.Equal(Confidence.Primary, bedrock.Info.Confidence);
        Assert.Contains("stateful runtime", Assert.Single(index.ChunksOf("bedrock")).Text, StringComparison.Ordinal);
        Assert.Equal(4, index.ChunkCount);
    }

    [SkippableFact]
    public async Task A_keyword_query_ranks_the_document_that_uses_the_words_first()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await Pipeline().RunAsync();
        using var index = await Store.OpenAsync();

        var hits = await SearchAsync(index, "Bedrock stateful runtime");

        Assert.Equal("bedrock", hits[0].Document.Id);
    }

    [SkippableFact]
    public async Task A_vector_query_ranks_the_passage_it_embeds_first_and_reports_its_similarity()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await Pipeline().RunAsync();
        using var index = await Store.OpenAsync();
        var text = index.ChunksOf("pentagon")[0];

        var hits = await SearchAsync(index, "", vectorText: $"Pentagon\n{text.Section}\n{text.Text}");

        Assert.Equal("pentagon", hits[0].Document.Id);
        Assert.True(hits[0].DenseSimilarity > 0.5, $"similarity {hits[0].DenseSimilarity}");
    }

    [SkippableFact]
    public async Task Layers_are_read_back_as_ids_in_the_order_they_were_tagged()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await Pipeline().RunAsync();
        using var index = await Store.OpenAsync();
        var tagger = new LayerTagger(DomainKnowledge.LoadTaxonomy(_corpus.Dir));

        var chunks = index.Documents.SelectMany(d => index.ChunksOf(d.Info.Id)).ToList();

        Assert.Contains(chunks, c => c.Layers.Contains("government"));
        Assert.All(chunks.SelectMany(c => c.Sentences.Select(s => (c, s))), x => Assert.Equal(tagger.Tag(x.c.SentenceText(x.s)), x.s.Layers));
    }

    [SkippableFact]
    public async Task A_vector_of_another_size_is_refused_with_the_same_error_in_every_store()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await Pipeline().RunAsync();
        using var index = await Store.OpenAsync();

        var e = await Assert.ThrowsAsync<EmbeddingMismatchException>(() => index.SearchAsync(new HybridQuery("cloud", new float[7])));

        Assert.Contains("assistant ingest", e.Message, StringComparison.Ordinal);
        await using var builder = await Store.BeginBuildAsync(index.Manifest!, fresh: false);
        var document = new SourceDocument(index.Documents[0].Info, "x", "hash");
        var chunk = index.ChunksOf(index.Documents[0].Info.Id)[0];
        await Assert.ThrowsAsync<EmbeddingMismatchException>(() => builder.UpsertAsync(document, [chunk], [new float[7]]));
    }

    [SkippableFact]
    public async Task Export_yields_every_chunk_with_its_vector()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await Pipeline().RunAsync();
        using var index = await Store.OpenAsync();

        var exported = new List<IndexedContent>();
        await foreach (var content in index.ExportAsync())
            exported.Add(content);

        Assert.Equal(index.Documents.Select(d => d.Info.Id), exported.Select(e => e.Document.Info.Id));
        Assert.Equal(index.ChunkCount, exported.Sum(e => e.Chunks.Count));
        Assert.All(exported, e => Assert.All(e.Vectors, v => Assert.Equal(index.Manifest!.Dimensions, v.Length)));
    }

    [SkippableFact]
    public async Task The_as_of_filter_leaves_out_later_documents()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await Pipeline().RunAsync();
        using var index = await Store.OpenAsync();

        var hits = await SearchAsync(index, "OpenAI Amazon Bedrock models", vectorText: "Amazon", asOf: new DateOnly(2026, 3, 31));

        Assert.NotEmpty(hits);
        Assert.All(hits, h => Assert.True(h.Document.Date <= new DateOnly(2026, 3, 31), h.Document.Id));
        Assert.Contains(hits, h => h.Document.Id == "round"); // the boundary day is included
    }

    [SkippableFact]
    public async Task Reingesting_embeds_only_changed_files_and_deletes_removed_ones()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await Pipeline().RunAsync();
        File.Delete(Path.Combine(_corpus.Dir, "round.md"));
        _corpus.Write("bedrock.md", TempCorpus.Markdown("bedrock", "2026-04-28", "OpenAI models are generally available on Amazon Bedrock.", "Bedrock"));
        var counting = new HashingEmbedder();

        var report = await Pipeline(counting).RunAsync();

        Assert.Equal(1, counting.Embedded);
        Assert.Equal(1, report.Removed);
        using var index = await Store.OpenAsync();
        Assert.DoesNotContain(index.Documents, d => d.Info.Id == "round");
        Assert.Empty(await SearchAsync(index, "SoftBank investors"));
        Assert.Contains("generally available", index.ChunksOf("bedrock")[0].Text, StringComparison.Ordinal);
        Assert.Equal(3, index.ChunkCount);
    }

    [SkippableFact]
    public async Task The_statistics_of_every_passage_are_stored_with_the_version_and_follow_a_reingest()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await Pipeline().RunAsync();
        File.Delete(Path.Combine(_corpus.Dir, "round.md"));
        await Pipeline().RunAsync();
        using var index = await Store.OpenAsync();

        var expected = IndexStatistics.Of(index.Documents.Select(d => (d.Info, index.ChunksOf(d.Info.Id))), DomainKnowledge.LoadLexicon(_corpus.Dir));

        var stored = index.Statistics;
        Assert.Equal(expected.Texts, stored.Texts);
        Assert.Equal(expected.DocumentFrequencies.OrderBy(f => f.Key, StringComparer.Ordinal), stored.DocumentFrequencies.OrderBy(f => f.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Names.OrderBy(f => f.Key, StringComparer.Ordinal), stored.Names.OrderBy(f => f.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Words, stored.Words);
        Assert.Equal(["amazon", "openai"], stored.Mentions["bedrock"].Order());
        Assert.DoesNotContain("softbank", stored.Words);
    }

    [SkippableFact]
    public async Task A_query_during_a_reindex_sees_the_old_or_the_new_version_never_a_mix()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await Pipeline().RunAsync();
        using var before = await Store.OpenAsync();
        File.Delete(Path.Combine(_corpus.Dir, "round.md"));
        _corpus.Write("panel.md", TempCorpus.Markdown("panel", "2026-05-01", "An expert panel will verify any AGI declaration; the investors agreed.", "Panel"));

        await Pipeline().RunAsync();

        var ids = (await SearchAsync(before, "investors funding round AGI panel")).Select(h => h.Document.Id).ToHashSet();
        Assert.False(ids.Contains("round") && ids.Contains("panel"), string.Join(", ", ids));
        using var after = await Store.OpenAsync();
        Assert.Contains("panel", (await SearchAsync(after, "expert panel AGI")).Select(h => h.Document.Id));
    }

    [SkippableFact]
    public async Task The_index_records_its_embedding_model_and_another_model_rebuilds_it()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await Pipeline().RunAsync();
        Assert.Equal("hashing-test", (await Store.ReadManifestAsync())!.EmbeddingModel);

        var report = await Pipeline(new HashingEmbedder("another-model", 32)).RunAsync();

        Assert.True(report.Rebuilt);
        var manifest = (await Store.ReadManifestAsync())!;
        Assert.Equal(("another-model", 32), (manifest.EmbeddingModel, manifest.Dimensions));
    }
}

[Trait("Category", "Integration")]
public sealed class EmbeddedIndexConformanceTests : IndexConformanceTests
{
    protected override Task<IIndexStore> CreateStoreAsync() => Task.FromResult<IIndexStore>(new SqliteIndexStore(Corpus.IndexPath));
}

/// <summary>The same contract through the real Qdrant client against the in-process gRPC stand-in.</summary>
[Trait("Category", "Integration")]
public sealed class QdrantStandInConformanceTests : IndexConformanceTests
{
    private QdrantStandIn _qdrant = null!;

    protected override async Task<IIndexStore> CreateStoreAsync()
    {
        _qdrant = await QdrantStandIn.StartAsync();
        return new QdrantIndexStore(new QdrantSettings { Endpoint = _qdrant.Endpoint, Collection = "conformance" });
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _qdrant.DisposeAsync();
    }
}

/// <summary>The same contract against a real Qdrant when QDRANT_URL (its gRPC endpoint) is set; skipped, saying so, otherwise.</summary>
[Trait("Category", "Integration")]
public sealed class LiveQdrantConformanceTests : IndexConformanceTests
{
    private static readonly string? Url = Environment.GetEnvironmentVariable("QDRANT_URL");

    protected override string? SkipReason => Url is null
        ? "QDRANT_URL is not set: no Qdrant server to run the conformance suite against (the stand-in run covers the adapter)"
        : null;

    protected override Task<IIndexStore> CreateStoreAsync() =>
        Task.FromResult<IIndexStore>(new QdrantIndexStore(new QdrantSettings
        {
            Endpoint = Url ?? "http://localhost:6334",
            ApiKey = Environment.GetEnvironmentVariable("QDRANT_API_KEY"),
            Collection = "assistant-conformance-" + Guid.NewGuid().ToString("N")[..8],
        }));

    public override async Task InitializeAsync()
    {
        if (Url is not null)
            await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        if (Url is not null)
            await base.DisposeAsync();
    }
}
