using System.Globalization;
using Assistant.Core;
using Azure.Data.Tables;

namespace Assistant.Hosting;

/// <summary>The review log in an Azure Storage table, shared by every replica of the host.</summary>
/// <remarks>One partition per kind and UTC day ("question-2026-11-30", "feedback-2026-11-30"), rows keyed by time then a
/// random suffix, so replicas never collide and a query returns the rows in time order; "since" is a range of partitions.
/// The table is created on first use.</remarks>
public sealed class TableReviewLog(TableClient table) : IReviewLog
{
    private const string Question = "question";
    private const string Feedback = "feedback";

    // A string property holds at most 64 KiB (32K UTF-16 characters); answers are far shorter, but never fail a write for it.
    private const int MaxText = 30_000;

    private volatile bool _created;

    public string Description => $"Azure table {table.Name} at {table.Uri.GetLeftPart(UriPartial.Authority)}";

    public Task AddQuestionAsync(string channel, Answer answer, CancellationToken ct = default) =>
        AddAsync(Question, DateTimeOffset.UtcNow, new Dictionary<string, object?>
        {
            ["Channel"] = channel,
            ["Question"] = Clip(answer.Question),
            ["Verdict"] = answer.Verdict,
            ["Abstained"] = answer.Abstained,
        }, ct);

    public Task AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct = default) =>
        AddAsync(Feedback, feedback.At, new Dictionary<string, object?>
        {
            ["Conversation"] = feedback.ConversationId,
            ["Reaction"] = feedback.Reaction,
            ["Comment"] = Clip(feedback.Comment),
            ["Question"] = Clip(feedback.Question),
            ["Answer"] = Clip(feedback.Answer),
        }, ct);

    public async Task<IReadOnlyList<QuestionRecord>> QuestionsAsync(DateOnly? since = null, CancellationToken ct = default) =>
        (await QueryAsync(Question, since, ct).ConfigureAwait(false))
        .Select(e => new QuestionRecord(At(e), e.GetString("Channel") ?? "", e.GetString("Question") ?? "", e.GetString("Verdict") ?? "", e.GetBoolean("Abstained") ?? false))
        .ToList();

    public async Task<IReadOnlyList<FeedbackRecord>> FeedbackAsync(DateOnly? since = null, CancellationToken ct = default) =>
        (await QueryAsync(Feedback, since, ct).ConfigureAwait(false))
        .Select(e => new FeedbackRecord(e.GetString("Reaction") ?? "", e.GetString("Comment"), e.GetString("Question"), e.GetString("Answer"), At(e), e.GetString("Conversation") ?? ""))
        .ToList();

    private async Task AddAsync(string kind, DateTimeOffset at, Dictionary<string, object?> values, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        var utc = at.ToUniversalTime();
        var entity = new TableEntity(Partition(kind, DateOnly.FromDateTime(utc.UtcDateTime)),
            $"{utc.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}")
        {
            ["At"] = utc,
        };
        foreach (var (key, value) in values.Where(v => v.Value is not null))
            entity[key] = value;
        await table.AddEntityAsync(entity, ct).ConfigureAwait(false);
    }

    private async Task<List<TableEntity>> QueryAsync(string kind, DateOnly? since, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        // Partitions of one kind sort by day; '~' sorts after every digit, closing the range.
        var from = since is { } day ? Partition(kind, day) : $"{kind}-";
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {kind + "-~"}");
        var rows = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            rows.Add(entity);
        return rows;
    }

    // Until it has worked once: a failed attempt (storage briefly unreachable) is tried again on the next call.
    private async Task EnsureTableAsync(CancellationToken ct)
    {
        if (_created)
            return;
        await table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
        _created = true;
    }

    private static string Partition(string kind, DateOnly day) => $"{kind}-{Dates.Iso(day)}";

    private static DateTimeOffset At(TableEntity e) => e.GetDateTimeOffset("At") ?? e.Timestamp ?? DateTimeOffset.MinValue;

    private static string? Clip(string? text) => text is { Length: > MaxText } ? text[..MaxText] : text;
}
