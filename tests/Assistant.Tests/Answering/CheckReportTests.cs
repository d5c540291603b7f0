using Assistant.Answering;
using Assistant.Cli.Evaluation;
using Assistant.Core;

namespace Assistant.Tests.Answering;

[Trait("Category", "Unit")]
public sealed class CheckReportTests
{
    private static readonly LayerTaxonomy Taxonomy = DomainKnowledge.LoadTaxonomy(RepoPaths.Corpus);

    private static IReadOnlyList<Answer> Answers() =>
    [
        new Answer
        {
            Question = "OpenAI has moved its models from Azure to AWS.",
            Text = "Contradicted by the sources.\n\nThis development indicates OpenAI is allowing certain AI orchestration or application layers to run on AWS, while core AI models and infrastructure remain Azure-hosted. [1]\n\nAs of 2026-03-01 (source dated 2026-02-28).",
            Verdict = Verdicts.Contradicted,
            Layers = ["infrastructure"],
            Findings = [new LayerFinding { Layer = "infrastructure", Verdict = Verdicts.Contradicted, Citations = [1] }],
            Rephrasing = "Per the sources: This development indicates OpenAI is allowing certain AI orchestration or application layers to run on AWS, while core AI models and infrastructure remain Azure-hosted. [1]",
            Citations =
            [
                new Citation
                {
                    N = 1, DocId = "microsoft-openai-statement", Title = "Clarification and reaffirmation of Microsoft partnership terms",
                    Path = "corpus/microsoft-openai-statement.md", Date = "2026-02-28", Confidence = "primary",
                    Quote = "This development indicates OpenAI is allowing certain AI orchestration or application layers to run on AWS, while core AI models and infrastructure remain Azure-hosted.",
                    Passage = "- This development indicates …",
                },
            ],
        },
        new Answer
        {
            Question = "Google resells OpenAI models | on Vertex <AI>.",
            Text = "The sources don't cover that: the sources do not confirm or contradict this statement.",
            Verdict = Verdicts.NotCovered,
            Abstained = true,
        },
    ];

    [Theory]
    [InlineData(".md", "check-report.md")]
    [InlineData(".html", "check-report.html")]
    public void The_batch_report_matches_its_golden_file(string format, string golden)
    {
        var actual = CheckReport.Write(Answers(), format, Taxonomy, new DateOnly(2026, 3, 1));
        var path = Path.Combine(RepoPaths.Root, "tests", "Assistant.Tests", "Golden", golden);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
            File.WriteAllText(path, actual);

        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void Html_report_draws_the_terms_the_points_read_over_time()
    {
        var ledger = new Assistant.Core.Ledger.TermsLedger(
        [
            new Assistant.Core.Ledger.Term
            {
                Id = "widgets-only-on-cloud-a", Layer = "infrastructure", Statement = "Widgets run only on Cloud A.",
                States = [new Assistant.Core.Ledger.TermState { Status = Assistant.Core.Ledger.TermStatus.InForce, From = new DateOnly(2025, 1, 1), Sources = [new("memo", "A sentence of the memo.")] }],
            },
            new Assistant.Core.Ledger.Term
            {
                Id = "unread-term", Layer = "capital", Statement = "Nobody read this one.",
                States = [new Assistant.Core.Ledger.TermState { Status = Assistant.Core.Ledger.TermStatus.InForce, From = new DateOnly(2025, 1, 1), Sources = [new("memo", "Another sentence.")] }],
            },
        ]);
        var timeline = new Assistant.Hosting.Timeline.TermsTimeline(ledger, Taxonomy, new Dictionary<string, DocumentInfo>());
        var answers = Answers().Select((a, i) => i == 0 ? a with { Terms = ["widgets-only-on-cloud-a"] } : a).ToList();

        var html = CheckReport.Html(answers, Taxonomy, new DateOnly(2026, 3, 1), timeline);

        Assert.Contains("<h2>How the terms these points read changed</h2>", html, StringComparison.Ordinal);
        Assert.Contains("data-layer=\"infrastructure\"", html, StringComparison.Ordinal);
        Assert.Contains("<article class=\"tl-card\" id=\"widgets-only-on-cloud-a\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("unread-term", html, StringComparison.Ordinal);
        Assert.DoesNotContain("prefers-color-scheme: dark", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_report_escapes_what_users_wrote()
    {
        var html = CheckReport.Html(Answers(), Taxonomy, null);

        Assert.Contains("Vertex &lt;AI&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<AI>", html, StringComparison.Ordinal);
    }
}
