using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assistant.Hosting;

/// <summary>Checks the index store every <c>Hosting__IndexRefreshSeconds</c> and serves a version built elsewhere, so a
/// re-index by one replica (or by <c>assistant ingest</c>) is served by all of them without a restart.</summary>
/// <remarks>A check reads only the manifest (a file's metadata row, or the Qdrant collection's metadata behind the alias).</remarks>
public sealed class IndexRefresh(IndexLifecycle lifecycle, IOptions<HostingSettings> settings, ILogger<IndexRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = settings.Value.IndexRefreshSeconds;
        if (seconds <= 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await lifecycle.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not check the index for a new version: {Reason}", e.Message);
            }
        }
    }
}
