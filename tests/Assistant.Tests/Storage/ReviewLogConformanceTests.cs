using Assistant.Core;
using Assistant.Hosting;
using Assistant.Tests.Support;

namespace Assistant.Tests.Storage;

/// <summary>What every review log must do (<see cref="IReviewLog"/>): keep questions and feedback as written, in order, filter
/// by day, and give the same report. Run against each adapter by the classes below.</summary>
public abstract class ReviewLogConformanceTests
{
    /// <summary>A new, empty log; calling it again gives another handle on the same log.</summary>
    protected abstract IReviewLog Open();

    private static Answer A(string question, bool abstained) => new()
    {
        Question = question,
        Text = "t",
        Verdict = abstained ? Verdicts.NotCovered : Verdicts.Info,
        Abstained = abstained,
    };

    [SkippableFact]
    public async Task Questions_and_feedback_read_back_as_written_in_order()
    {
        var log = Open();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        await log.AddQuestionAsync("msteams", A("What runs on Amazon Bedrock?", false));
        await log.AddQuestionAsync("api", A("What's the weather in Seattle?", true));
        await log.AddFeedbackAsync(new FeedbackRecord("dislike", "missing the GA date", "What runs on Amazon Bedrock?", "An answer.", at, "a:1"));
        await log.AddFeedbackAsync(new FeedbackRecord("like", null, null, null, at.AddSeconds(1), "a:2"));

        var questions = await log.QuestionsAsync();
        var feedback = await log.FeedbackAsync();

        Assert.Equal([("msteams", "What runs on Amazon Bedrock?", Verdicts.Info, false), ("api", "What's the weather in Seattle?", Verdicts.NotCovered, true)],
            questions.Select(q => (q.Channel, q.Question, q.Verdict, q.Abstained)));
        Assert.All(questions, q => Assert.InRange(q.At, at, DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Equal(new FeedbackRecord("dislike", "missing the GA date", "What runs on Amazon Bedrock?", "An answer.", at, "a:1"), feedback[0]);
        Assert.Equal(new FeedbackRecord("like", null, null, null, at.AddSeconds(1), "a:2"), feedback[1]);
    }

    [SkippableFact]
    public async Task Since_leaves_out_what_happened_before_that_day()
    {
        var log = Open();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await log.AddFeedbackAsync(new FeedbackRecord("dislike", "old", "q", null, DateTimeOffset.UtcNow.AddDays(-3), "a:1"));
        await log.AddFeedbackAsync(new FeedbackRecord("dislike", "new", "q", null, DateTimeOffset.UtcNow, "a:1"));
        await log.AddQuestionAsync("api", A("Asked today?", false));

        Assert.Equal(["new"], (await log.FeedbackAsync(today.AddDays(-1))).Select(f => f.Comment));
        Assert.Equal(["old", "new"], (await log.FeedbackAsync()).Select(f => f.Comment));
        Assert.Single(await log.QuestionsAsync(today));
        Assert.Empty(await log.QuestionsAsync(today.AddDays(1)));
    }

    [SkippableFact]
    public async Task The_report_lists_unanswered_questions_negative_feedback_and_the_most_asked()
    {
        var log = Open();
        await log.AddQuestionAsync("msteams", A("What runs on Amazon Bedrock?", false));
        await log.AddQuestionAsync("directline", A("what runs on amazon bedrock", false));
        await log.AddQuestionAsync("api", A("What's the weather in Seattle?", true));
        await log.AddFeedbackAsync(new FeedbackRecord("dislike", "missing the GA date", "What runs on Amazon Bedrock?", "…", DateTimeOffset.UtcNow, "c1"));
        await log.AddFeedbackAsync(new FeedbackRecord("like", null, "What runs on Amazon Bedrock?", "…", DateTimeOffset.UtcNow, "c2"));

        var report = await ReviewReport.RenderAsync(Open(), null, "md");

        Assert.Contains("- What's the weather in Seattle? (1×", report, StringComparison.Ordinal);
        Assert.Contains("missing the GA date", report, StringComparison.Ordinal);
        Assert.Contains("| 2 | 0 |", report, StringComparison.Ordinal);
        Assert.Contains("3 questions, 1 not covered, 1 negative feedback.", report, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_csv_report_quotes_fields_and_since_applies_to_it()
    {
        var log = Open();
        await log.AddQuestionAsync("api", A("Is \"X\" covered?", true));

        var csv = await ReviewReport.RenderAsync(log, null, "csv");
        var later = await ReviewReport.RenderAsync(log, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1)), "md");

        Assert.Contains("unanswered,\"Is \"\"X\"\" covered?\",1", csv, StringComparison.Ordinal);
        Assert.Contains("0 questions", later, StringComparison.Ordinal);
    }
}

[Trait("Category", "Unit")]
public sealed class SqliteReviewLogConformanceTests : ReviewLogConformanceTests, IDisposable
{
    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("assistant-review-").FullName, "bot.db");

    protected override IReviewLog Open() => new SqliteReviewLog(_file);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
    }
}

/// <summary>The same contract for the Azure table against Azurite.</summary>
[Trait("Category", "Integration")]
[Collection(AzuriteCollection.Name)]
public sealed class TableReviewLogConformanceTests(AzuriteFixture azurite) : ReviewLogConformanceTests
{
    private readonly string _table = $"review{Guid.NewGuid():N}";

    protected override IReviewLog Open()
    {
        azurite.Require();
        var settings = new StorageSettings { Provider = StorageSettings.Azure, ConnectionString = azurite.ConnectionString, ReviewTable = _table }.Validate();
        return new TableReviewLog(AzureStorageClients.ReviewTable(settings));
    }
}
