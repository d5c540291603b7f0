using Assistant.Answering;
using Assistant.Core;
using Assistant.Ingestion;

namespace Assistant.Bot.Hosting;

/// <summary>Starts the assistant in the background (building the index on first start) and says when it is ready.</summary>
public sealed class AssistantHost(AssistantSettings settings, AzureOpenAISettings openAI, IndexSettings index, QdrantSettings qdrant,
    ILoggerFactory loggers, ILogger<AssistantHost> logger) : BackgroundService
{
    private readonly TaskCompletionSource<AssistantRuntime> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AssistantSettings Settings => settings;

    /// <summary>The runtime, or null while the index is still being built.</summary>
    public AssistantRuntime? Runtime => _ready.Task.IsCompletedSuccessfully ? _ready.Task.Result : null;

    public string? Failure { get; private set; }

    public Task<AssistantRuntime> WhenReady => _ready.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (index.Provider == IndexSettings.Embedded && !File.Exists(settings.Index))
                logger.LogInformation("No index at {Index}: building it from {Corpus} (first start only)", settings.Index, settings.Corpus);
            var lastLogged = -1;
            var progress = new Progress<IngestProgress>(p =>
            {
                var percent = p.Total == 0 ? 100 : 100 * p.Done / p.Total;
                if (p.Stage == "embed" && percent / 25 != lastLogged)
                {
                    lastLogged = percent / 25;
                    logger.LogInformation("Indexing: embedded {Done}/{Total} chunks", p.Done, p.Total);
                }
            });
            var runtime = await AssistantRuntime.StartAsync(settings, progress,
                r => logger.LogInformation("Indexed {Documents} documents, {Chunks} chunks in {Seconds:0.0} s", r.Documents, r.Chunks, r.Elapsed.TotalSeconds),
                stoppingToken, openAI, loggers, index, qdrant).ConfigureAwait(false);
            logger.LogInformation("Ready: {Documents} documents, {Chunks} chunks, embeddings {Model}, answers {Mode}",
                runtime.Index.Documents.Count, runtime.Index.ChunkCount, runtime.Index.Manifest?.EmbeddingModel, runtime.Mode);
            _ready.TrySetResult(runtime);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failure = e.Message;
            logger.LogError("The assistant could not start: {Reason}", e.Message);
            _ready.TrySetException(e);
        }
    }

    public override void Dispose()
    {
        Runtime?.Dispose();
        base.Dispose();
    }
}
