using Assistant.Answering.Generative;
using Assistant.Core;

namespace Assistant.Tests.Answering.Generative;

[Trait("Category", "Unit")]
public sealed class AnswerVerifierTests
{
    private static readonly IReadOnlySet<string> Layers = new HashSet<string> { "models-ip", "azure-exclusivity" };

    private static readonly Answer Baseline = new() { Question = "q", Text = "extractive", Verdict = Verdicts.Info, Layers = ["models-ip"] };

    private static Passage Source(string id, string text)
    {
        var sentences = Assistant.Core.SentenceSplitter.Split(text, 0, text.Length).Select(s => new SentenceSpan(s.Start, s.End, ["models-ip"])).ToList();
        var chunk = new Chunk(id, 0, "", text, 0, text.Length, ["models-ip"], sentences);
        var doc = new DocumentInfo { Id = id, Title = "Title " + id, Date = new DateOnly(2026, 10, 27), Path = $"corpus/{id}.md" };
        return new Passage(chunk, doc, 1, 1, 1, 0.9);
    }

    private static readonly IReadOnlyList<Passage> Sources =
    [
        Source("a", "Azure keeps exclusivity for stateless APIs. OpenAI may sell stateful products elsewhere."),
        Source("b", "Microsoft's IP rights run through 2032. They now include models after AGI."),
    ];

    [Fact]
    public void A_sentence_citing_a_source_that_was_not_given_is_dropped()
    {
        var v = new AnswerVerifier(Sources, false, Layers);
        Assert.Null(v.Add(new ModelSentence { Text = "Invented claim.", Sources = [3] }));
        Assert.Contains("not among the 2 sources", Assert.Single(v.Dropped));
    }

    [Fact]
    public void A_sentence_citing_nothing_is_dropped()
    {
        var v = new AnswerVerifier(Sources, false, Layers);
        Assert.Null(v.Add(new ModelSentence { Text = "Uncited claim." }));
        Assert.Contains("cites no source", Assert.Single(v.Dropped));
    }

    [Fact]
    public void Citations_are_numbered_in_order_of_first_use_and_inline_markers_are_replaced()
    {
        var v = new AnswerVerifier(Sources, false, Layers);
        Assert.Equal("IP rights run through 2032. [1]", v.Add(new ModelSentence { Text = "IP rights run through 2032 [2].", Sources = [2] }));
        Assert.Equal("Stateless APIs stay on Azure. [1][2]", v.Add(new ModelSentence { Text = "Stateless APIs stay on Azure", Sources = [1, 2] }));
        var answer = v.Finish(new ModelAnswer { Verdict = "info", Layers = ["azure-exclusivity", "made-up"] }, Baseline);
        Assert.Equal(["b", "a"], answer.Citations.Select(c => c.DocId));
        Assert.Equal(["azure-exclusivity"], answer.Layers);
        Assert.Equal("generative", answer.Mode);
    }

    [Fact]
    public void Each_citation_quotes_the_source_sentence_that_best_supports_its_claims_verbatim()
    {
        var v = new AnswerVerifier(Sources, false, Layers);
        v.Add(new ModelSentence { Text = "OpenAI can sell stateful products on other clouds.", Sources = [1] });
        var citation = Assert.Single(v.Finish(new ModelAnswer { Verdict = "yes" }, Baseline).Citations);
        Assert.Equal("OpenAI may sell stateful products elsewhere.", citation.Quote);
        Assert.Contains(citation.Quote, Sources[0].Chunk.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("maybe", false)]
    [InlineData("supported", false)]
    [InlineData("yes", true)]
    [InlineData(null, false)]
    public void A_verdict_outside_the_allowed_set_is_rejected(string? verdict, bool accepted)
    {
        var v = new AnswerVerifier(Sources, false, Layers);
        v.Add(new ModelSentence { Text = "Claim.", Sources = [1] });
        var finish = () => v.Finish(new ModelAnswer { Verdict = verdict }, Baseline);
        if (accepted)
            Assert.Equal(verdict, finish().Verdict);
        else
            Assert.Throws<ModelOutputException>(finish);
    }

    [Fact]
    public void An_answer_with_no_supported_sentence_is_rejected()
    {
        var v = new AnswerVerifier(Sources, false, Layers);
        v.Add(new ModelSentence { Text = "Claim.", Sources = [7] });
        Assert.Throws<ModelOutputException>(() => v.Finish(new ModelAnswer { Verdict = "yes" }, Baseline));
    }

    [Fact]
    public void Talking_point_findings_keep_only_known_layers_allowed_verdicts_and_cited_numbers()
    {
        var v = new AnswerVerifier(Sources, true, Layers);
        v.Add(new ModelSentence { Text = "Claim.", Sources = [2] });
        var answer = v.Finish(new ModelAnswer
        {
            Verdict = "partly",
            Findings =
            [
                new ModelFinding { Layer = "models-ip", Verdict = "supported", Sources = [2, 1] },
                new ModelFinding { Layer = "models-ip", Verdict = "yes", Sources = [2] },
                new ModelFinding { Layer = "nonsense", Verdict = "supported", Sources = [2] },
            ],
            Rephrasing = "Microsoft's IP rights run through 2032 [2].",
        }, Baseline);
        var finding = Assert.Single(answer.Findings!);
        Assert.Equal([1], finding.Citations);
        Assert.Equal("Microsoft's IP rights run through 2032.", answer.Rephrasing);
    }

    [Fact]
    public void Completed_sentences_are_read_from_a_reply_still_being_written()
    {
        const string partial = """{"verdict":"yes","layers":["models-ip"],"sentences":[{"text":"One.","sources":[1]},{"text":"Tw""";
        var done = ModelAnswer.CompletedSentences(partial);
        Assert.Equal("One.", Assert.Single(done).Text);
        Assert.Empty(ModelAnswer.CompletedSentences("""{"verdict":"ye"""));
    }

    [Fact]
    public void A_reply_that_is_not_json_is_a_model_output_error()
    {
        Assert.Throws<ModelOutputException>(() => ModelAnswer.Parse("Sure! Here is the answer."));
        Assert.Equal("yes", ModelAnswer.Parse("```json\n{\"verdict\":\"yes\"}\n```").Verdict);
    }
}
