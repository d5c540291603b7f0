using Assistant.Answering;
using Assistant.Core;
using Assistant.Ingestion;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Assistant.Hosting;

/// <summary>Opens the configured index (building it first when there is none), checks that it was embedded by the
/// configured model, and serves it; re-indexing builds a new version aside and swaps it in, and a refresh serves a version
/// built elsewhere (another replica, <c>assistant ingest</c>).</summary>
public sealed class IndexLifecycle(
    IIndexStore store,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    IngestionPipeline pipeline,
    LayerTaxonomy taxonomy,
    Lexicon lexicon,
    ServedIndex served,
    Microsoft.Extensions.Options.IOptions<AnsweringSettings> settings,
    ILogger<IndexLifecycle> logger)
{
    // Opening and serving one version at a time, so a slower open can never replace a newer version with an older one.
    private readonly SemaphoreSlim _opening = new(1, 1);
    private IndexManifest? _refused;

    public IIndexStore Store => store;

    /// <summary>Opens or builds the index and serves it; the failure is also kept for readiness checks.</summary>
    /// <param name="built">Called when the index had to be built first.</param>
    public async Task<IndexView> StartAsync(IProgress<IngestProgress>? progress = null, Action<IngestReport>? built = null, CancellationToken ct = default)
    {
        try
        {
            var model = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
            var manifest = await ReadManifestAsync(ct).ConfigureAwait(false);
            if (manifest is null)
            {
                logger.LogInformation("No index in {Store}: building it from the corpus (first start only)", store.Description);
                var report = await pipeline.RunAsync(progress: progress, ct: ct).ConfigureAwait(false);
                built?.Invoke(report);
            }
            else if (manifest.EmbeddingModel != model)
            {
                throw new IndexUnavailableException(
                    $"The index at {store.Description} was built with the embedding model '{manifest.EmbeddingModel}', but '{model}' is configured. "
                    + "Run `assistant ingest` to rebuild it with the configured model, or change Assistant__EmbeddingModel / AzureOpenAI__EmbeddingDeployment to match.");
            }
            return await OpenAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            served.Fail(e.Message);
            throw;
        }
    }

    /// <summary>Ingests the corpus into a new version and serves it; on failure the previous version keeps serving.</summary>
    public async Task<IngestReport> ReindexAsync(bool skipInvalid = false, IProgress<IngestProgress>? progress = null, CancellationToken ct = default)
    {
        var report = await pipeline.RunAsync(skipInvalid, progress, ct).ConfigureAwait(false);
        await OpenAsync(ct).ConfigureAwait(false);
        return report;
    }

    /// <summary>Serves the store's current version when it is not the one being served (a re-index by another replica or by
    /// <c>assistant ingest</c>); returns whether it did. Before the first version is served this is left to <see cref="StartAsync"/>.</summary>
    public async Task<bool> RefreshAsync(CancellationToken ct = default)
    {
        if (!served.IsReady)
            return false;
        var manifest = await store.ReadManifestAsync(ct).ConfigureAwait(false);
        if (manifest is null || manifest == served.Current.Index.Manifest)
            return false;
        var model = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
        if (manifest.EmbeddingModel != model)
        {
            if (manifest != _refused)
                logger.LogWarning("Not serving the new index version in {Store}: it was built with the embedding model '{Built}', but '{Model}' is configured",
                    store.Description, manifest.EmbeddingModel, model);
            _refused = manifest;
            return false;
        }
        var view = await OpenAsync(ct).ConfigureAwait(false);
        logger.LogInformation("Serving the index version built at {BuiltAt:O} elsewhere: {Documents} documents, {Chunks} chunks",
            view.Index.Manifest?.BuiltAt, view.Index.Documents.Count, view.Index.ChunkCount);
        return true;
    }

    private async Task<IndexView> OpenAsync(CancellationToken ct)
    {
        await _opening.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var index = await store.OpenAsync(ct).ConfigureAwait(false);
            var view = new IndexView(index, new AnswerKnowledge(taxonomy, lexicon, index, settings.Value));
            served.Serve(view);
            return view;
        }
        finally
        {
            _opening.Release();
        }
    }

    private async Task<IndexManifest?> ReadManifestAsync(CancellationToken ct)
    {
        try
        {
            return await store.ReadManifestAsync(ct).ConfigureAwait(false);
        }
        catch (IndexUnavailableException)
        {
            // Written by an older version of the assistant (or damaged): rebuilt like a missing one.
            return null;
        }
    }
}
