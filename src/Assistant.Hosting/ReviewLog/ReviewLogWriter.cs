using System.Threading.Channels;
using Assistant.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Assistant.Hosting;

/// <summary>
/// Writes the review log off the answer path: questions and feedback go into a bounded queue that this background service drains
/// into the <see cref="IReviewLog"/>. Best effort: a full queue or a failing disk (full, read-only) loses entries — counted, logged and
/// reported by <see cref="StorageHealth"/> — but never delays or fails an answer.
/// </summary>
public sealed class ReviewLogWriter(IReviewLog log, StorageHealth health, ILogger<ReviewLogWriter> logger) : BackgroundService
{
    public const string Part = "review_log";

    /// <summary>Entries waiting at most; beyond it new ones are dropped.</summary>
    public const int Capacity = 1000;

    private readonly Channel<Entry> _queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private long _dropped;

    /// <summary>Entries waiting to be written.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Entries lost since start (queue full or write failed).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues a question for the log; returns at once.</summary>
    public void Question(string channel, Answer answer) => Enqueue(new Entry(channel, answer, null, null));

    /// <summary>Queues feedback and waits up to <paramref name="wait"/> for it to be written, so that while storage works it is durable
    /// before the feedback is acknowledged; false when it could not be written in time (it may still be).</summary>
    public async Task<bool> FeedbackAsync(FeedbackRecord feedback, TimeSpan wait, CancellationToken ct = default)
    {
        var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Enqueue(new Entry(null, null, feedback, written)))
            return false;
        try
        {
            return await written.Task.WaitAsync(wait, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var entry in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                await WriteAsync(entry).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is written below.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Best effort within the shutdown time: what was queued before the host stopped.
        while (!cancellationToken.IsCancellationRequested && _queue.Reader.TryRead(out var entry))
            await WriteAsync(entry).ConfigureAwait(false);
    }

    private bool Enqueue(Entry entry)
    {
        if (_queue.Writer.TryWrite(entry))
            return true;
        if (Interlocked.Increment(ref _dropped) % 100 == 1)
            logger.LogWarning("The review log queue is full ({Capacity} entries): entries are being dropped ({Dropped} so far)", Capacity, Dropped);
        return false;
    }

    private async Task WriteAsync(Entry entry)
    {
        try
        {
            if (entry.Answer is { } answer)
                await log.AddQuestionAsync(entry.Channel!, answer).ConfigureAwait(false);
            else
                await log.AddFeedbackAsync(entry.Feedback!).ConfigureAwait(false);
            health.Succeeded(Part);
            entry.Written?.TrySetResult(true);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _dropped);
            if (health.Failed(Part, e))
                logger.LogError("The review log ({Log}) cannot be written ({Reason}); answering goes on, questions and feedback are dropped until it can", log.Description, e.Message);
            entry.Written?.TrySetResult(false);
        }
    }

    private sealed record Entry(string? Channel, Answer? Answer, FeedbackRecord? Feedback, TaskCompletionSource<bool>? Written);
}
