using Assistant.Hosting;
using Assistant.Ingestion;

namespace Assistant.Bot.Hosting;

/// <summary>Opens the index in the background when the host starts (building it on first start) and logs progress;
/// until it is served, <c>/readyz</c> answers 503 and questions get "still building".</summary>
public sealed class IndexStartup(IndexLifecycle lifecycle, Answering.IAnswerer answerer, ILogger<IndexStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
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
            var view = await lifecycle.StartAsync(progress,
                r => logger.LogInformation("Indexed {Documents} documents, {Chunks} chunks in {Seconds:0.0} s", r.Documents, r.Chunks, r.Elapsed.TotalSeconds),
                stoppingToken).ConfigureAwait(false);
            logger.LogInformation("Ready: {Documents} documents, {Chunks} chunks, embeddings {Model}, answers {Mode}",
                view.Index.Documents.Count, view.Index.ChunkCount, view.Index.Manifest?.EmbeddingModel, answerer.Mode);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError("The assistant could not start: {Reason}", e.Message);
        }
    }
}
