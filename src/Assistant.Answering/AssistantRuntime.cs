using Assistant.Core;
using Assistant.Ingestion;
using Assistant.Retrieval;
using Microsoft.Extensions.AI;

namespace Assistant.Answering;

/// <summary>The assembled assistant: embedder, index, knowledge and answerer, built from settings.</summary>
/// <remarks>Surfaces (CLI, bot) create one and share it; it builds the index on first use when none exists.</remarks>
public sealed class AssistantRuntime : IDisposable
{
    private AssistantRuntime(AssistantSettings settings, IEmbeddingGenerator<string, Embedding<float>> embedder, IIndexStore store, IPassageIndex index)
    {
        Settings = settings;
        Embedder = embedder;
        Store = store;
        Index = index;
        Taxonomy = DomainKnowledge.LoadTaxonomy(settings.Corpus!);
        Knowledge = new AnswerKnowledge(Taxonomy, DomainKnowledge.LoadLexicon(settings.Corpus!), index);
        Answerer = new ExtractiveAnswerer(index, embedder, Knowledge, EmbeddingPurpose.Query);
    }

    public AssistantSettings Settings { get; }
    public IEmbeddingGenerator<string, Embedding<float>> Embedder { get; }
    public IIndexStore Store { get; }
    public IPassageIndex Index { get; }
    public LayerTaxonomy Taxonomy { get; }
    public AnswerKnowledge Knowledge { get; }
    public ExtractiveAnswerer Answerer { get; }

    /// <summary>The path citations are relative to: the corpus folder's parent (the repository root here).</summary>
    public string Root => Path.GetDirectoryName(Settings.Corpus!)!;

    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbedder(AssistantSettings settings) =>
        new LocalEmbeddingGenerator(settings.EmbeddingModel);

    public static IngestionPipeline CreatePipeline(AssistantSettings settings, IEmbeddingGenerator<string, Embedding<float>> embedder, IIndexStore store) =>
        new(new CorpusReader(settings.Corpus!), new Chunker(new LayerTagger(DomainKnowledge.LoadTaxonomy(settings.Corpus!))), embedder, store);

    /// <summary>Opens the index, building it first when it is missing; refuses one built by another embedding model.</summary>
    public static async Task<AssistantRuntime> StartAsync(AssistantSettings settings, IProgress<IngestProgress>? progress = null,
        Action<IngestReport>? built = null, CancellationToken ct = default)
    {
        settings.Validate();
        var embedder = CreateEmbedder(settings);
        var store = new SqliteIndexStore(settings.Index!);
        var model = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
        IndexManifest? manifest;
        try
        {
            manifest = store.ReadManifest();
        }
        catch (IndexUnavailableException)
        {
            // Written by an older version of the assistant (or damaged): rebuilt like a missing one.
            manifest = null;
        }
        if (manifest is null)
        {
            var report = await CreatePipeline(settings, embedder, store).RunAsync(progress: progress, ct: ct).ConfigureAwait(false);
            built?.Invoke(report);
        }
        else if (manifest.EmbeddingModel != model)
        {
            embedder.Dispose();
            throw new IndexUnavailableException(
                $"The index at {settings.Index} was built with the embedding model '{manifest.EmbeddingModel}', but '{model}' is configured. "
                + "Run `assistant ingest` to rebuild it with the configured model, or set Assistant__EmbeddingModel to match.");
        }
        return new AssistantRuntime(settings, embedder, store, store.Open());
    }

    public void Dispose()
    {
        Index.Dispose();
        Embedder.Dispose();
    }
}
