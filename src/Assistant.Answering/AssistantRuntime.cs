using Assistant.Answering.Generative;
using Assistant.Core;
using Assistant.Ingestion;
using Assistant.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Assistant.Answering;

/// <summary>The assembled assistant: embedder, index, knowledge and answerer, built from settings.</summary>
/// <remarks>Surfaces (CLI, bot) create one and share it; it builds the index on first use when none exists.</remarks>
public sealed class AssistantRuntime : IDisposable
{
    private AssistantRuntime(AssistantSettings settings, IEmbeddingGenerator<string, Embedding<float>> embedder, IIndexStore store, IPassageIndex index, ModelConnection? model)
    {
        Settings = settings;
        Embedder = embedder;
        Store = store;
        Index = index;
        Model = model;
        Taxonomy = DomainKnowledge.LoadTaxonomy(settings.Corpus!);
        Knowledge = new AnswerKnowledge(Taxonomy, DomainKnowledge.LoadLexicon(settings.Corpus!), index);
        Extractive = new ExtractiveAnswerer(index, embedder, Knowledge, EmbeddingPurpose.Query);
        Answerer = Extractive;
    }

    public AssistantSettings Settings { get; }
    public IEmbeddingGenerator<string, Embedding<float>> Embedder { get; }
    public IIndexStore Store { get; }
    public IPassageIndex Index { get; }
    public LayerTaxonomy Taxonomy { get; }
    public AnswerKnowledge Knowledge { get; }
    /// <summary>The extractive answerer: the default, the fallback of the generative one, and the source of retrieval and explanations.</summary>
    public ExtractiveAnswerer Extractive { get; }

    /// <summary>Who answers: the generative answerer when a chat deployment is configured, else <see cref="Extractive"/>.</summary>
    public IAnswerer Answerer { get; private set; }

    /// <summary>"generative (Azure OpenAI deployment D)" or "extractive".</summary>
    public string Mode => Answerer is GenerativeAnswerer ? $"generative (Azure OpenAI deployment {Model!.Settings.ChatDeployment})" : "extractive";

    /// <summary>The Azure OpenAI connection, when configured.</summary>
    public ModelConnection? Model { get; }

    /// <summary>The path citations are relative to: the corpus folder's parent (the repository root here).</summary>
    public string Root => Path.GetDirectoryName(Settings.Corpus!)!;

    /// <summary>The Azure OpenAI embedding deployment when one is configured, else the local ONNX model.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbedder(AssistantSettings settings, ModelConnection? model = null) =>
        model is { Settings.EmbeddingsEnabled: true } ? model.CreateEmbedder() : new LocalEmbeddingGenerator(settings.EmbeddingModel);

    /// <summary>The configured index store: the SQLite file (default) or Qdrant.</summary>
    public static IIndexStore CreateStore(AssistantSettings settings, IndexSettings? index = null, QdrantSettings? qdrant = null, ILoggerFactory? loggerFactory = null) =>
        (index ?? new IndexSettings()).Validate().Provider == IndexSettings.Qdrant
            ? new Retrieval.Qdrant.QdrantIndexStore(qdrant ?? new QdrantSettings(), loggerFactory)
            : new SqliteIndexStore(settings.Index!);

    public static IngestionPipeline CreatePipeline(AssistantSettings settings, IEmbeddingGenerator<string, Embedding<float>> embedder, IIndexStore store) =>
        new(new CorpusReader(settings.Corpus!), new Chunker(new LayerTagger(DomainKnowledge.LoadTaxonomy(settings.Corpus!))), embedder, store);

    /// <summary>Opens the index, building it first when it is missing; refuses one built by another embedding model.
    /// With <paramref name="openAI"/> configured, answers are written by the model (and embeddings made by it when set).</summary>
    public static async Task<AssistantRuntime> StartAsync(AssistantSettings settings, IProgress<IngestProgress>? progress = null,
        Action<IngestReport>? built = null, CancellationToken ct = default, AzureOpenAISettings? openAI = null, ILoggerFactory? loggerFactory = null,
        IndexSettings? index = null, QdrantSettings? qdrant = null)
    {
        settings.Validate();
        openAI?.Validate();
        var model = openAI is { Endpoint.Length: > 0 } ? new ModelConnection(openAI, loggerFactory) : null;
        var embedder = CreateEmbedder(settings, model);
        try
        {
            var store = CreateStore(settings, index, qdrant, loggerFactory);
            await EnsureIndexAsync(settings, embedder, store, progress, built, ct).ConfigureAwait(false);
            var runtime = new AssistantRuntime(settings, embedder, store, await store.OpenAsync(ct).ConfigureAwait(false), model);
            if (model is { Settings.GenerativeEnabled: true })
            {
                var prompts = await GroundedPrompts.LoadAsync(model.Kernel, settings.Prompts!, runtime.Taxonomy, ct).ConfigureAwait(false);
                runtime.Answerer = new GenerativeAnswerer(runtime.Extractive, model.Kernel, prompts, model.Settings, runtime.Taxonomy,
                    loggerFactory?.CreateLogger<GenerativeAnswerer>());
            }
            return runtime;
        }
        catch
        {
            embedder.Dispose();
            model?.Dispose();
            throw;
        }
    }

    private static async Task EnsureIndexAsync(AssistantSettings settings, IEmbeddingGenerator<string, Embedding<float>> embedder, IIndexStore store,
        IProgress<IngestProgress>? progress, Action<IngestReport>? built, CancellationToken ct)
    {
        var model = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
        IndexManifest? manifest;
        try
        {
            manifest = await store.ReadManifestAsync(ct).ConfigureAwait(false);
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
            throw new IndexUnavailableException(
                $"The index at {store.Description} was built with the embedding model '{manifest.EmbeddingModel}', but '{model}' is configured. "
                + "Run `assistant ingest` to rebuild it with the configured model, or change Assistant__EmbeddingModel / AzureOpenAI__EmbeddingDeployment to match.");
        }
    }

    public void Dispose()
    {
        Index.Dispose();
        (Store as IDisposable)?.Dispose();
        Embedder.Dispose();
        Model?.Dispose();
    }
}
