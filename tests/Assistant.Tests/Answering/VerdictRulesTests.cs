using Assistant.Answering;
using Assistant.Core;

namespace Assistant.Tests.Answering;

[Trait("Category", "Unit")]
public sealed class VerdictRulesTests
{
    private static Evidence E(string date, Stance stance, string layer, double score = 1, string quote = "q") => new()
    {
        Passage = new Passage(
            new Chunk("d" + date, 0, "", quote, 0, quote.Length, [layer], [new SentenceSpan(0, quote.Length, [layer])]),
            new DocumentInfo { Id = "d" + date, Title = "t", Date = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), Path = "corpus/d.md" },
            1, 1, 1, 0.5),
        Sentence = new SentenceSpan(0, quote.Length, [layer]),
        QuoteStart = 0,
        Quote = quote,
        Score = score,
        Relevance = 0.8,
        Clauses = [new ClauseFinding(stance, [layer], "test", 0.8)],
    };

    private static AnalyzedQuestion Q(QuestionForm form, params string[] focus) => new()
    {
        Text = "t",
        Form = form,
        AnswerType = AnswerType.Any,
        Terms = [],
        FocusLayers = focus,
        RetrievalText = "t",
    };

    private static readonly StanceDetector.ClaimFeatures Plain = new([], 0, false, false, new HashSet<string>(), []);

    [Fact]
    public void A_claim_true_before_and_contradicted_since_is_outdated()
    {
        var (verdict, layers) = VerdictRules.Decide(Q(QuestionForm.Claim), [E("2023-01-23", Stance.Supports, "infrastructure"), E("2026-04-27", Stance.Contradicts, "infrastructure")], Plain);

        Assert.Equal(Verdicts.Outdated, verdict);
        Assert.Single(layers[0].Superseded);
    }

    [Fact]
    public void A_newer_source_that_supports_makes_it_supported_again()
    {
        var (verdict, _) = VerdictRules.Decide(Q(QuestionForm.Claim), [E("2026-03-01", Stance.Contradicts, "capital"), E("2026-03-31", Stance.Supports, "capital")], Plain);

        Assert.Equal(Verdicts.Supported, verdict);
    }

    [Fact]
    public void Yes_on_one_layer_and_no_on_another_is_partly()
    {
        var (verdict, _) = VerdictRules.Decide(Q(QuestionForm.YesNo), [E("2026-02-28", Stance.Supports, "orchestration"), E("2026-02-28", Stance.Contradicts, "infrastructure")], Plain);

        Assert.Equal(Verdicts.Partly, verdict);
    }

    [Fact]
    public void A_layer_named_by_the_question_decides_alone()
    {
        var (verdict, _) = VerdictRules.Decide(Q(QuestionForm.YesNo, "infrastructure"), [E("2026-02-28", Stance.Supports, "orchestration"), E("2026-02-28", Stance.Contradicts, "infrastructure")], Plain);

        Assert.Equal(Verdicts.No, verdict);
    }

    [Fact]
    public void Within_one_news_cycle_the_most_direct_source_decides()
    {
        var (verdict, _) = VerdictRules.Decide(Q(QuestionForm.YesNo), [E("2026-02-27", Stance.Supports, "government", score: 0.6), E("2026-02-28", Stance.Contradicts, "government", score: 1.2)], Plain);

        Assert.Equal(Verdicts.No, verdict);
    }

    [Fact]
    public void One_counter_example_falsifies_a_restrictive_claim()
    {
        var restrictive = Plain with { Restrictive = true };

        var (verdict, _) = VerdictRules.Decide(Q(QuestionForm.Claim), [E("2026-02-28", Stance.Supports, "capital", score: 2), E("2026-02-28", Stance.Contradicts, "capital", score: 0.5)], restrictive);

        Assert.Equal(Verdicts.Contradicted, verdict);
    }

    [Fact]
    public void No_stance_at_all_means_not_covered_for_a_claim_and_info_for_a_question()
    {
        Assert.Equal(Verdicts.NotCovered, VerdictRules.Decide(Q(QuestionForm.Claim), [], Plain).Verdict);
        Assert.Equal(Verdicts.Info, VerdictRules.Decide(Q(QuestionForm.YesNo), [], Plain).Verdict);
        Assert.Equal(Verdicts.Info, VerdictRules.Decide(Q(QuestionForm.Open), [E("2026-02-28", Stance.Supports, "capital")], Plain).Verdict);
    }
}
