using Assistant.Core;

namespace Assistant.Hosting;

/// <summary>One feedback reaction, with the question and answer it is about.</summary>
public sealed record FeedbackRecord(string Reaction, string? Comment, string? Question, string? Answer, DateTimeOffset At, string ConversationId);

/// <summary>One question asked, with what it was answered: the verdict and whether the sources covered it.</summary>
public sealed record QuestionRecord(DateTimeOffset At, string Channel, string Question, string Verdict, bool Abstained);

/// <summary>The content owners' review queue: what was asked (and abstained on) and the feedback given.</summary>
/// <remarks>The bot host writes it, <c>assistant report</c> reads it (<see cref="ReviewReport"/>). Two adapters:
/// <see cref="SqliteReviewLog"/> (bot.db beside the index, one host) and <see cref="TableReviewLog"/> (Azure Table Storage,
/// shared by replicas), chosen by <c>Storage__Provider</c>. Every write is durable before it returns.</remarks>
public interface IReviewLog
{
    /// <summary>Where the log is, for messages ("SQLite file …", "Azure table …").</summary>
    string Description { get; }

    Task AddQuestionAsync(string channel, Answer answer, CancellationToken ct = default);

    Task AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct = default);

    /// <summary>Questions asked on or after <paramref name="since"/> (UTC day; null = all), oldest first.</summary>
    Task<IReadOnlyList<QuestionRecord>> QuestionsAsync(DateOnly? since = null, CancellationToken ct = default);

    /// <summary>Feedback given on or after <paramref name="since"/> (UTC day; null = all), oldest first.</summary>
    Task<IReadOnlyList<FeedbackRecord>> FeedbackAsync(DateOnly? since = null, CancellationToken ct = default);
}
