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

    /// <summary>A support check that finds every sentence supported, quoting each source's last sentence, except those
    /// containing a word it was told to reject (with that reason).</summary>
    private sealed class Support(string? reject = null, string reason = DropReasons.FarFromQuote) : ISentenceSupport
    {
        public List<string> Checked { get; } = [];

        public Task<SupportResult> CheckAsync(string sentence, IReadOnlyList<Passage> cited, CancellationToken ct = default)
        {
            Checked.Add(sentence);
            var quotes = cited.ToDictionary(p => p, p => p.Chunk.SentenceText(p.Chunk.Sentences[^1]));
            return Task.FromResult(reject is not null && sentence.Contains(reject, StringComparison.Ordinal)
                ? new SupportResult(reason, $"rejected for {reject}", 0, 0, quotes)
                : new SupportResult(null, null, 1, 1, quotes));
        }
    }

    private static AnswerVerifier Verifier(bool talkingPoint = false, ISentenceSupport? support = null, string? ledger = null) =>
        new(Sources, talkingPoint, Layers, support ?? new Support(), ledger);

    [Fact]
    public async Task A_sentence_citing_a_source_that_was_not_given_is_dropped()
    {
        var v = Verifier();
        Assert.Null(await v.AddAsync(new ModelSentence { Text = "Invented claim.", Sources = [3] }));
        var dropped = Assert.Single(v.Dropped);
        Assert.Equal(DropReasons.MissingSource, dropped.Reason);
        Assert.Contains("not among the 2 sources", dropped.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sentence_citing_nothing_is_dropped()
    {
        var v = Verifier();
        Assert.Null(await v.AddAsync(new ModelSentence { Text = "Uncited claim." }));
        Assert.Equal(DropReasons.CitesNothing, Assert.Single(v.Dropped).Reason);
    }

    [Fact]
    public async Task Citations_are_numbered_in_order_of_first_use_and_inline_markers_are_replaced()
    {
        var v = Verifier();
        Assert.Equal("IP rights run through 2032. [1]", await v.AddAsync(new ModelSentence { Text = "IP rights run through 2032 [2].", Sources = [2] }));
        Assert.Equal("IP rights run through 2032. [1] Stateless APIs stay on Azure. [1][2]", await v.AddAsync(new ModelSentence { Text = "Stateless APIs stay on Azure", Sources = [1, 2] }));
        var answer = v.Finish(new ModelAnswer { Verdict = "info", Layers = ["azure-exclusivity", "made-up"] }, Baseline);
        Assert.Equal(["b", "a"], answer.Citations.Select(c => c.DocId));
        Assert.Equal(["azure-exclusivity"], answer.Layers);
        Assert.Equal("generative", answer.Mode);
    }

    [Fact]
    public async Task Each_citation_quotes_the_sentence_the_support_check_found_for_it()
    {
        var v = Verifier();
        await v.AddAsync(new ModelSentence { Text = "OpenAI can sell stateful products on other clouds.", Sources = [1] });
        var citation = Assert.Single(v.Finish(new ModelAnswer { Verdict = "yes" }, Baseline).Citations);
        Assert.Equal("OpenAI may sell stateful products elsewhere.", citation.Quote);
        Assert.Contains(citation.Quote, Sources[0].Chunk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sentence_the_support_check_rejects_is_dropped_with_its_reason_and_reported_in_the_answer()
    {
        var support = new Support(reject: "moon");
        var v = Verifier(support: support);
        Assert.NotNull(await v.AddAsync(new ModelSentence { Text = "IP rights run through 2032.", Sources = [2] }));
        Assert.Null(await v.AddAsync(new ModelSentence { Text = "OpenAI owns the moon.", Sources = [1] }));

        var answer = v.Finish(new ModelAnswer { Verdict = "info" }, Baseline);
        Assert.Equal("IP rights run through 2032. [1]", answer.Text);
        Assert.Equal(new DroppedSentence(DropReasons.FarFromQuote, "OpenAI owns the moon.", "rejected for moon"), Assert.Single(answer.Dropped!));
        Assert.Equal(["IP rights run through 2032.", "OpenAI owns the moon."], support.Checked);
    }

    [Fact]
    public async Task A_sentence_contradicting_the_terms_means_the_verdict_cannot_stand()
    {
        var v = Verifier(support: new Support(reject: "still", reason: DropReasons.ContradictsTerms));
        await v.AddAsync(new ModelSentence { Text = "IP rights run through 2032.", Sources = [2] });
        await v.AddAsync(new ModelSentence { Text = "Azure is still exclusive.", Sources = [1] });

        var e = Assert.Throws<ModelOutputException>(() => v.Finish(new ModelAnswer { Verdict = "info" }, Baseline));
        Assert.Contains("opposite of the terms", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_sentence_is_taken_out_and_the_citations_renumbered()
    {
        var v = Verifier();
        await v.AddAsync(new ModelSentence { Text = "First.", Sources = [1] });
        await v.AddAsync(new ModelSentence { Text = "Second.", Sources = [2] });
        v.Reject(v.Kept[0], DropReasons.ModelCheck, "not confirmed");

        var answer = v.Finish(new ModelAnswer { Verdict = "info" }, Baseline);
        Assert.Equal("Second. [1]", answer.Text);
        Assert.Equal("b", Assert.Single(answer.Citations).DocId);
        Assert.Equal(DropReasons.ModelCheck, Assert.Single(answer.Dropped!).Reason);
    }

    [Fact]
    public async Task A_rephrasing_is_offered_only_when_it_stands_on_the_cited_sources()
    {
        var v = Verifier(talkingPoint: true, support: new Support(reject: "forever"));
        await v.AddAsync(new ModelSentence { Text = "Claim.", Sources = [2] });
        await v.VerifyRephrasingAsync("Microsoft's IP rights run forever.");
        var answer = v.Finish(new ModelAnswer { Verdict = "partly" }, Baseline);

        Assert.Null(answer.Rephrasing);
        Assert.Contains("rephrasing", Assert.Single(answer.Dropped!).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("maybe", false)]
    [InlineData("supported", false)]
    [InlineData("yes", true)]
    [InlineData(null, false)]
    public async Task A_verdict_outside_the_allowed_set_is_rejected(string? verdict, bool accepted)
    {
        var v = Verifier();
        await v.AddAsync(new ModelSentence { Text = "Claim.", Sources = [1] });
        var finish = () => v.Finish(new ModelAnswer { Verdict = verdict }, Baseline);
        if (accepted)
            Assert.Equal(verdict, finish().Verdict);
        else
            Assert.Throws<ModelOutputException>(finish);
    }

    [Fact]
    public async Task An_answer_with_no_supported_sentence_is_rejected()
    {
        var v = Verifier();
        await v.AddAsync(new ModelSentence { Text = "Claim.", Sources = [7] });
        Assert.Throws<ModelOutputException>(() => v.Finish(new ModelAnswer { Verdict = "yes" }, Baseline));
    }

    [Fact]
    public async Task Talking_point_findings_keep_only_known_layers_allowed_verdicts_and_cited_numbers()
    {
        var v = Verifier(talkingPoint: true);
        await v.AddAsync(new ModelSentence { Text = "Claim.", Sources = [2] });
        await v.VerifyRephrasingAsync("Microsoft's IP rights run through 2032 [2].");
        var answer = v.Finish(new ModelAnswer
        {
            Verdict = "partly",
            Findings =
            [
                new ModelFinding { Layer = "models-ip", Verdict = "supported", Sources = [2, 1] },
                new ModelFinding { Layer = "models-ip", Verdict = "yes", Sources = [2] },
                new ModelFinding { Layer = "nonsense", Verdict = "supported", Sources = [2] },
            ],
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
