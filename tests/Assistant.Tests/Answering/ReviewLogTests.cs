using Assistant.Answering;
using Assistant.Core;
using Assistant.Hosting;

namespace Assistant.Tests.Answering;

[Trait("Category", "Unit")]
public sealed class ReviewLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("assistant-review-").FullName;

    private static Answer A(string question, bool abstained) => new()
    {
        Question = question,
        Text = "t",
        Verdict = abstained ? Verdicts.NotCovered : Verdicts.Info,
        Abstained = abstained,
    };

    [Fact]
    public async Task The_report_lists_unanswered_questions_negative_feedback_and_the_most_asked()
    {
        var log = new ReviewLog(Path.Combine(_dir, "bot.db"));
        await log.AddQuestionAsync("msteams", A("What runs on Amazon Bedrock?", false));
        await log.AddQuestionAsync("directline", A("what runs on amazon bedrock", false));
        await log.AddQuestionAsync("api", A("What's the weather in Seattle?", true));
        await log.AddFeedbackAsync(new FeedbackRecord("dislike", "missing the GA date", "What runs on Amazon Bedrock?", "…", DateTimeOffset.UtcNow, "c1"));
        await log.AddFeedbackAsync(new FeedbackRecord("like", null, "What runs on Amazon Bedrock?", "…", DateTimeOffset.UtcNow, "c2"));

        var report = await new ReviewLog(Path.Combine(_dir, "bot.db")).ReportAsync(null, "md");

        Assert.Contains("- What's the weather in Seattle? (1×", report, StringComparison.Ordinal);
        Assert.Contains("missing the GA date", report, StringComparison.Ordinal);
        Assert.Contains("| 2 | 0 |", report, StringComparison.Ordinal);
        Assert.Contains("3 questions, 1 not covered, 1 negative feedback.", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Since_leaves_out_older_entries_and_csv_quotes_fields()
    {
        var log = new ReviewLog(Path.Combine(_dir, "bot.db"));
        await log.AddQuestionAsync("api", A("Is \"X\" covered?", true));

        var csv = await log.ReportAsync(null, "csv");
        var later = await log.ReportAsync(DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1)), "md");

        Assert.Contains("unanswered,\"Is \"\"X\"\" covered?\",1", csv, StringComparison.Ordinal);
        Assert.Contains("0 questions", later, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
