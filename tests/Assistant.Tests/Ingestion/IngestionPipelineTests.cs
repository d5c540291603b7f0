using Assistant.Answering;
using Assistant.Core;
using Assistant.Ingestion;
using Assistant.Retrieval;
using Assistant.Retrieval.Sqlite;
using Assistant.Tests.Support;

namespace Assistant.Tests.Ingestion;

[Trait("Category", "Integration")]
public sealed class IngestionPipelineTests : IDisposable
{
    private readonly TempCorpus _corpus = new();
    private readonly HashingEmbedder _embedder = new();

    private SqliteIndexStore Store => new(_corpus.IndexPath);

    private IngestionPipeline Pipeline(HashingEmbedder? embedder = null) =>
        _corpus.Pipeline(embedder ?? _embedder, Store);

    private void WriteTwoDocuments()
    {
        _corpus.Write("azure.md", TempCorpus.Markdown("azure", "2026-02-28", "# Hosting\n\nAzure remains the exclusive cloud for OpenAI core models.\n\n- Bedrock runs stateful services on AWS."));
        _corpus.Write("round.md", TempCorpus.Markdown("round", "2026-03-31", "The funding round closed at $122 billion with Amazon and Nvidia."));
    }

    private static IReadOnlyList<Passage> Search(IPassageIndex index, string text, DateOnly? asOf = null) =>
        index.SearchAsync(new HybridQuery(text, new HashingEmbedder().GenerateAsync([text]).Result[0].Vector) { AsOf = asOf }).Result;

    [Fact]
    public async Task An_ingested_corpus_answers_keyword_and_vector_queries()
    {
        WriteTwoDocuments();

        var report = await Pipeline().RunAsync();

        Assert.Equal(2, report.Documents);
        Assert.Equal(report.Chunks, report.EmbeddedChunks);
        using var index = await Store.OpenAsync();
        var hits = Search(index, "exclusive cloud Azure");
        Assert.Equal("azure", hits[0].Document.Id);
        Assert.NotNull(hits[0].KeywordRank);
        Assert.NotNull(hits[0].DenseRank);
        Assert.Equal("hashing-test", index.Manifest!.EmbeddingModel);
    }

    [Fact]
    public async Task As_of_and_layer_filters_apply_to_both_rankings()
    {
        WriteTwoDocuments();
        await Pipeline().RunAsync();
        using var index = await Store.OpenAsync();

        Assert.DoesNotContain(Search(index, "funding round", asOf: new DateOnly(2026, 3, 1)), p => p.Document.Id == "round");
    }

    [Fact]
    public async Task Unchanged_documents_are_not_embedded_again_and_removed_ones_leave()
    {
        WriteTwoDocuments();
        await Pipeline().RunAsync();
        var second = new HashingEmbedder();

        File.Delete(Path.Combine(_corpus.Dir, "round.md"));
        var report = await Pipeline(second).RunAsync();

        Assert.Equal(0, second.Embedded);
        Assert.Equal(1, report.Unchanged);
        Assert.Equal(1, report.Removed);
        using var index = await Store.OpenAsync();
        Assert.Equal(["azure"], index.Documents.Select(d => d.Info.Id));
    }

    [Fact]
    public async Task A_changed_document_is_embedded_again()
    {
        WriteTwoDocuments();
        await Pipeline().RunAsync();
        _corpus.Write("round.md", TempCorpus.Markdown("round", "2026-03-31", "The round closed at $122 billion."));
        var second = new HashingEmbedder();

        var report = await Pipeline(second).RunAsync();

        Assert.Equal(1, report.Updated);
        Assert.True(second.Embedded > 0);
    }

    [Fact]
    public async Task A_bad_file_fails_the_run_and_leaves_the_previous_index_serving()
    {
        WriteTwoDocuments();
        await Pipeline().RunAsync();
        var before = File.GetLastWriteTimeUtc(_corpus.IndexPath);
        _corpus.Write("broken.md", "---\nid: broken\n");

        var e = await Assert.ThrowsAsync<IngestFailedException>(() => Pipeline().RunAsync());

        Assert.Contains("corpus/broken.md", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.GetLastWriteTimeUtc(_corpus.IndexPath));
        using var index = await Store.OpenAsync();
        Assert.Equal(2, index.Documents.Count);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_corpus.IndexPath)!, "*.building-*"));
    }

    [Fact]
    public async Task Skip_invalid_reports_the_bad_file_and_indexes_the_rest()
    {
        WriteTwoDocuments();
        _corpus.Write("broken.md", "---\nid: broken\n");

        var report = await Pipeline().RunAsync(skipInvalid: true);

        Assert.Equal(2, report.Documents);
        Assert.Single(report.Skipped);
    }

    [Fact]
    public async Task A_failure_while_embedding_leaves_the_previous_index_serving()
    {
        WriteTwoDocuments();
        await Pipeline().RunAsync();
        _corpus.Write("new.md", TempCorpus.Markdown("new", "2026-04-01", "A new document about Oracle."));
        var failing = new HashingEmbedder { FailOn = t => t.Contains("Oracle", StringComparison.Ordinal) };

        await Assert.ThrowsAsync<InvalidOperationException>(() => Pipeline(failing).RunAsync());

        using var index = await Store.OpenAsync();
        Assert.Equal(["azure", "round"], index.Documents.Select(d => d.Info.Id).Order());
    }

    [Fact]
    public async Task A_reader_keeps_its_version_while_a_new_one_is_swapped_in()
    {
        WriteTwoDocuments();
        await Pipeline().RunAsync();
        using var old = await Store.OpenAsync();

        File.Delete(Path.Combine(_corpus.Dir, "round.md"));
        await Pipeline().RunAsync();

        Assert.Contains(Search(old, "funding round"), p => p.Document.Id == "round");
        using var fresh = await Store.OpenAsync();
        Assert.DoesNotContain(Search(fresh, "funding round"), p => p.Document.Id == "round");
    }

    [Fact]
    public async Task An_index_built_by_another_embedding_model_is_refused_with_a_clear_message()
    {
        WriteTwoDocuments();
        await Pipeline().RunAsync();

        var e = await Assert.ThrowsAsync<IndexUnavailableException>(() => TestAssistant.StartAsync(_corpus.Dir, _corpus.IndexPath));

        Assert.Contains("'hashing-test'", e.Message, StringComparison.Ordinal);
        Assert.Contains("snowflake-arctic-embed-xs", e.Message, StringComparison.Ordinal);
        Assert.Contains("assistant ingest", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_model_rebuilds_every_document()
    {
        WriteTwoDocuments();
        await Pipeline().RunAsync();
        var other = new HashingEmbedder("another-model", 32);

        var report = await Pipeline(other).RunAsync();

        Assert.True(report.Rebuilt);
        Assert.Equal(0, report.Unchanged);
        using var index = await Store.OpenAsync();
        Assert.Equal(32, index.Manifest!.Dimensions);
    }

    [Fact]
    public void Keyword_queries_never_pass_user_text_as_fts_syntax()
    {
        Assert.Equal("\"azure\" OR \"near\" OR \"x\" OR \"aws\"", SqliteIndex.FtsQuery("Azure NEAR(\"x\" AND) aws*"));
    }

    public void Dispose()
    {
        _embedder.Dispose();
        _corpus.Dispose();
    }
}
