using System.Globalization;
using Assistant.Bot.Bot;
using Assistant.Bot.DirectLine;

namespace Assistant.Bot.Hosting;

/// <summary>Keeps conversation state bounded: forgets Bot Framework state and Direct Line logs of idle conversations.</summary>
/// <remarks>Bot state (Teams and Web Chat follow-ups) idles out after Bot__IdleConversationMinutes (default a day);
/// Direct Line logs after DirectLine__IdleConversationMinutes. Feedback and the question log are kept: they are the review queue.</remarks>
public sealed class IdleEviction(IBotStateStore store, DirectLineConversations directLine, IConfiguration configuration, ILogger<IdleEviction> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = configuration.GetValue("Bot:IdleConversationMinutes", 1440.0);
        if (minutes <= 0)
            throw new ArgumentException($"Bot__IdleConversationMinutes must be more than 0, not {minutes.ToString(CultureInfo.InvariantCulture)}");
        var idle = TimeSpan.FromMinutes(minutes);
        var period = TimeSpan.FromTicks(Math.Clamp(idle.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(5).Ticks));
        using var timer = new PeriodicTimer(period);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var evicted = await store.EvictIdleAsync(idle, stoppingToken).ConfigureAwait(false);
                directLine.EvictIdle();
                if (evicted > 0)
                    logger.LogInformation("Forgot the state of {Count} conversation(s) idle for more than {Minutes} min", evicted, minutes);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Idle eviction failed: {Reason}", e.Message);
            }
        }
    }
}
