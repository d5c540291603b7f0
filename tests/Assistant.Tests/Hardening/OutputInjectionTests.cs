using Assistant.Cli.Evaluation;
using Assistant.Core;
using Assistant.Hosting;

namespace Assistant.Tests.Hardening;

/// <summary>What users typed reaches exports and reports as text: no spreadsheet formulas, no links or HTML.</summary>
[Trait("Category", "Unit")]
public sealed class OutputInjectionTests : IDisposable
{
    private const string Injected = "<img src=x onerror=alert(1)> see [the real terms](https://evil.example/phish) **now**";

    private readonly string _dir = Directory.CreateTempSubdirectory("assistant-injection-").FullName;

    private static Answer Abstained(string question) => new() { Question = question, Text = "The sources don't cover that.", Verdict = Verdicts.NotCovered, Abstained = true };

    [Theory]
    [InlineData("=HYPERLINK(\"https://evil.example\",\"click\")")]
    [InlineData("+cmd|' /C calc'!A0")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1:A9)")]
    [InlineData("\t=1+1")]
    public async Task Csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(string typed)
    {
        var log = new SqliteReviewLog(Path.Combine(_dir, "bot.db"));
        await log.AddQuestionAsync("api", Abstained(typed));
        await log.AddFeedbackAsync(new FeedbackRecord("dislike", typed, "What runs on Bedrock?", "…", DateTimeOffset.UtcNow, "c1"));

        var csv = await ReviewReport.RenderAsync(log, null, "csv");

        var quoted = "\"'" + typed.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        Assert.Contains("unanswered," + quoted, csv, StringComparison.Ordinal);
        Assert.Contains(",1," + quoted + ",", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_review_report_shows_questions_and_comments_as_typed()
    {
        var log = new SqliteReviewLog(Path.Combine(_dir, "bot.db"));
        await log.AddQuestionAsync("api", Abstained(Injected));
        await log.AddFeedbackAsync(new FeedbackRecord("dislike", Injected, Injected, "…", DateTimeOffset.UtcNow, "c1"));

        var md = await ReviewReport.RenderAsync(log, null, "md");

        AssertInert(md);
    }

    [Fact]
    public void The_markdown_check_report_shows_talking_points_as_typed()
    {
        var answers = new[] { Abstained(Injected) with { Text = "The sources don't cover that: no source mentions \"<script>\"." } };

        var md = CheckReport.Write(answers, ".md", DomainKnowledge.LoadTaxonomy(RepoPaths.Corpus), null);

        AssertInert(md);
        Assert.DoesNotContain("<script>", md, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_html_check_report_links_only_web_addresses()
    {
        Citation Cite(int n, string url) => new() { N = n, DocId = "d", Title = "T" + n, Path = "corpus/d.md", Date = "2026-01-01", Confidence = "primary", Quote = "q", Passage = "q", Url = url };
        var answers = new[] { Abstained("A point.") with { Citations = [Cite(1, "javascript:alert(1)"), Cite(2, "https://example.com/a")] } };

        var html = CheckReport.Write(answers, ".html", DomainKnowledge.LoadTaxonomy(RepoPaths.Corpus), null);

        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<a href=\"https://example.com/a\">T2</a>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a [link](https://x.example)", "a \\[link\\](https://x.example)")]
    [InlineData("<b>bold</b> & co", "&lt;b&gt;bold&lt;/b&gt; &amp; co")]
    [InlineData("two\nlines | cell", "two lines \\| cell")]
    [InlineData("*star* _under_ `code` ~strike~ \\", "\\*star\\* \\_under\\_ \\`code\\` \\~strike\\~ \\\\")]
    public void Markdown_escaping_leaves_literal_text(string typed, string escaped)
    {
        Assert.Equal(escaped, MarkdownText.Escape(typed));
    }

    private static void AssertInert(string markdown)
    {
        Assert.DoesNotContain("<img", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("[the real terms](", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("**now**", markdown, StringComparison.Ordinal);
        Assert.Contains("\\[the real terms\\]", markdown, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
