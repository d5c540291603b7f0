using Assistant.Answering.Generative;
using Assistant.Cli.Evaluation;
using Assistant.Core;
using Assistant.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Tests.Verifier;

/// <summary>The verifier's sentence check over the shipped corpus, its terms and the local embedding model.</summary>
[Trait("Category", "Integration")]
[Collection(RuntimeCollection.Name)]
public sealed class SentenceSupportTests(RuntimeFixture fixture)
{
    private const string Today = "2026-11-30";

    private async Task<SupportResult> CheckAsync(string sentence, string asOf, params (string Doc, string Quote)[] cited)
    {
        var knowledge = fixture.Assistant.View.Knowledge;
        var passages = cited.Select(c => knowledge.PassageOf(c.Doc, c.Quote) ?? throw new InvalidOperationException($"no passage of {c.Doc} has \"{c.Quote}\"")).ToList();
        var support = new SentenceSupport(knowledge, fixture.Assistant.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), Dates.Parse(asOf, "as_of"));
        return await support.CheckAsync(sentence, passages);
    }

    private static readonly (string, string) Amendment = ("2026-04-27-next-phase-exclusivity-ends", "OpenAI may now offer all of its products to customers on any cloud provider.");
    private static readonly (string, string) Aws = ("2025-11-03-aws-38b-compute", "OpenAI agreed to buy about $38 billion of computing over seven years");
    private static readonly (string, string) Stargate = ("2025-01-21-stargate-announced", "Stargate is a new company that plans to invest $500 billion");
    private static readonly (string, string) Rofr = ("2025-01-21-partnership-evolves-rofr", "Microsoft instead holds a right of first refusal (ROFR) on new OpenAI capacity");
    private static readonly (string, string) Google = ("2025-07-16-google-cloud-compute-supplier", "This is OpenAI renting computing capacity from Google.");

    [Fact]
    public async Task A_copied_sentence_is_supported_and_quotes_itself()
    {
        var result = await CheckAsync("Under the amendment of 27 April 2026, OpenAI may now offer all of its products to customers on any cloud provider.", Today, Amendment);

        Assert.True(result.Supported, result.Detail);
        Assert.Equal("Under the amendment of 27 April 2026, OpenAI may now offer all of its products to customers on any cloud provider.", Assert.Single(result.Quotes.Values));
    }

    [Theory]
    [InlineData("Google Cloud now hosts every OpenAI model exclusively.", "Google Cloud")]
    [InlineData("Satya Nadella and Sundar Pichai signed the handover in a private ceremony.", "Nadella")]
    public async Task A_name_the_cited_source_does_not_give_is_unsupported(string sentence, string name)
    {
        var result = await CheckAsync(sentence, Today, Amendment);

        Assert.Equal(DropReasons.UnsupportedName, result.Reason);
        Assert.Contains(name, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_acronym_of_a_name_the_source_writes_out_is_supported()
    {
        var result = await CheckAsync("Stargate plans to put $500 billion into US AI infrastructure for OpenAI over four years.", "2025-03-01", Stargate);
        Assert.True(result.Supported, result.Detail);
    }

    [Theory]
    [InlineData("OpenAI agreed to buy about $48 billion of AWS computing over seven years.", false)]
    [InlineData("OpenAI agreed to buy roughly $38 billion of computing from Amazon Web Services over seven years.", true)]
    [InlineData("OpenAI agreed to buy about $38 billion of computing over eight years.", false)]
    public async Task Figures_must_be_the_sources_within_rounding(string sentence, bool supported)
    {
        var result = await CheckAsync(sentence, "2026-01-10", Aws);
        Assert.True(result.Supported == supported, $"{result.Reason}: {result.Detail}");
        if (!supported)
            Assert.Equal(DropReasons.UnsupportedFigure, result.Reason);
    }

    [Theory]
    [InlineData("In November 2025, OpenAI agreed to buy about $38 billion of computing from Amazon Web Services.", true)]
    [InlineData("The AWS capacity is meant to be in place before the end of 2025.", false)]
    [InlineData("In March 2025, OpenAI agreed to buy about $38 billion of computing from Amazon Web Services.", false)]
    public async Task A_sources_own_date_dates_an_event_but_is_not_any_year(string sentence, bool supported)
    {
        var result = await CheckAsync(sentence, "2026-01-10", Aws);
        Assert.True(result.Supported == supported, $"{result.Reason}: {result.Detail}");
        if (!supported)
            Assert.Equal(DropReasons.UnsupportedDate, result.Reason);
    }

    [Fact]
    public async Task A_term_that_has_ended_stated_in_the_present_contradicts_the_terms_but_in_the_past_it_does_not()
    {
        var present = await CheckAsync("Microsoft holds a right of first refusal on new OpenAI capacity.", Today, Rofr);
        var past = await CheckAsync("In January 2025, Microsoft gained a right of first refusal on new OpenAI capacity.", Today, Rofr);
        var earlier = await CheckAsync("Microsoft holds a right of first refusal on new OpenAI capacity.", "2025-06-01", Rofr);

        Assert.Equal(DropReasons.ContradictsTerms, present.Reason);
        Assert.Contains("right of first refusal", present.Detail, StringComparison.Ordinal);
        Assert.True(past.Supported, past.Detail);
        Assert.True(earlier.Supported, earlier.Detail);
    }

    [Fact]
    public async Task Each_clause_is_read_on_its_own_against_the_terms()
    {
        var result = await CheckAsync("OpenAI rents computing capacity from Google, but that does not mean Google resells OpenAI models.", "2025-09-01",
            Google, (Google.Item1, "It does not mean that Google resells OpenAI models."));
        Assert.True(result.Supported, result.Detail);
    }

    private static readonly (string, string) Round = ("2026-03-31-funding-round-closes-122b", "OpenAI closed its funding round on 31 March 2026 at $122 billion");
    private static readonly (string, string) TopSecret = ("2025-01-16-gpt4o-azure-government-top-secret", "was one of 26 products authorised at the ICD 503 level");

    [Theory]
    [InlineData("The round closed at $122B, valuing OpenAI at roughly $850B post-money.", true)]
    [InlineData("The round closed at $122B, valuing OpenAI at roughly $840B post-money.", false)]
    public async Task A_figure_is_the_sources_only_as_rounded_as_the_sentence_writes_it(string sentence, bool supported)
    {
        var result = await CheckAsync(sentence, Today, Round);
        Assert.True(result.Supported == supported, $"{result.Reason}: {result.Detail}");
    }

    [Theory]
    [InlineData("On 16 January 2025, Microsoft said GPT-4o in Azure OpenAI Service was one of 26 products authorised at the ICD 503 level.", true)]
    [InlineData("Azure OpenAI Service, GPT-4o included, was one of 16 products authorised at the ICD 503 level.", false)]
    [InlineData("On 18 January 2025, Microsoft said GPT-4o in Azure OpenAI Service was one of 26 products authorised at the ICD 503 level.", false)]
    public async Task A_sources_day_dates_it_but_does_not_count_as_a_figure(string sentence, bool supported)
    {
        var result = await CheckAsync(sentence, "2025-06-01", TopSecret);
        Assert.True(result.Supported == supported, $"{result.Reason}: {result.Detail}");
    }

    [Fact]
    public async Task A_contrast_that_denies_an_alternative_does_not_deny_the_sentence()
    {
        var result = await CheckAsync("Microsoft takes part in Stargate as a technology partner, not as an equity funder.", Today,
            (Stargate.Item1, "Microsoft takes part as a technology partner, not as an equity funder."));
        Assert.True(result.Supported, result.Detail);
    }

    [Fact]
    public async Task A_party_swapped_for_another_the_passage_names_elsewhere_is_unsupported()
    {
        var result = await CheckAsync("The equity funders are SoftBank, OpenAI, Oracle and Microsoft.", "2025-03-01", (Stargate.Item1, "The equity funders are SoftBank, OpenAI, Oracle and MGX."));

        Assert.Equal(DropReasons.UnsupportedName, result.Reason);
        Assert.Contains("names Microsoft where the closest sentence of its source names MGX", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Microsoft's licence to OpenAI models and products runs through 2032 and remains exclusive.", false)]
    [InlineData("Microsoft's licence to OpenAI models and products runs through 2032 and is now non-exclusive.", true)]
    public async Task Two_predicates_of_one_subject_are_each_read_against_the_terms(string sentence, bool supported)
    {
        var result = await CheckAsync(sentence, Today, ("2026-04-27-next-phase-exclusivity-ends", "Microsoft's licence to OpenAI models and products still runs through 2032, but it is now non-exclusive."));
        Assert.True(result.Supported == supported, $"{result.Reason}: {result.Detail}");
    }

    [Fact]
    public async Task A_sentence_that_is_not_close_to_what_its_source_says_is_dropped()
    {
        var result = await CheckAsync("Stargate will build its data centers entirely with renewable energy.", "2025-03-01", Stargate);
        Assert.Equal(DropReasons.FarFromQuote, result.Reason);
    }
}

/// <summary>The verifier against labelled model sentences: ours (tests/Assistant.Tests/Verifier/sentences.jsonl) and two sets
/// written by helpers who never saw the verifier's rules (sentences-blind.jsonl, -2, -3).</summary>
[Trait("Category", "Integration")]
[Collection(RuntimeCollection.Name)]
public sealed class VerifierFixtureTests(RuntimeFixture fixture)
{
    private async Task<VerifierMetrics> RunAsync(string file)
    {
        var items = VerifierItem.Load(Path.Combine(RepoPaths.Root, "tests", "Assistant.Tests", "Verifier", file));
        var evaluation = new VerifierEvaluation(fixture.Assistant.Services.GetRequiredService<Assistant.Answering.ServedIndex>(),
            fixture.Assistant.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        return VerifierMetrics.From(await evaluation.RunAsync(items));
    }

    [Theory]
    [InlineData("sentences.jsonl", 0.90, 0.90)]
    [InlineData("sentences-blind.jsonl", 0.90, 0.85)]
    [InlineData("sentences-blind-2.jsonl", 0.90, 0.85)]
    [InlineData("sentences-blind-3.jsonl", 0.90, 0.80)]
    public async Task Faithful_sentences_are_kept_and_fabrications_dropped(string file, double kept, double dropped)
    {
        var metrics = await RunAsync(file);

        Assert.True(metrics.Items >= 60, $"{metrics.Items} labelled sentences");
        Assert.True(metrics.FaithfulKept >= kept, $"faithful sentences kept {metrics.FaithfulKept:0.00} < {kept:0.00}");
        Assert.True(metrics.FabricationsDropped >= dropped, $"fabrications dropped {metrics.FabricationsDropped:0.00} < {dropped:0.00}");
    }

    [Fact]
    public async Task Of_the_issues_kinds_of_fabrication_at_least_95_percent_are_dropped()
    {
        var metrics = await RunAsync("sentences.jsonl");
        var kinds = metrics.ByKind.Where(k => !k.Keep && k.Kind != "unsupported").ToList();

        Assert.Equal(["contradicts_terms", "time_shifted", "wrong_date", "wrong_entity", "wrong_figure"], kinds.Select(k => k.Kind).Order());
        var share = (double)kinds.Sum(k => k.Correct) / kinds.Sum(k => k.Items);
        Assert.True(share >= 0.95, $"{share:0.00} of the fabrications dropped");
    }

    [Fact]
    public async Task Every_sentence_of_the_corpus_copied_and_asked_on_its_own_date_is_kept()
    {
        var view = fixture.Assistant.View;
        var embedder = fixture.Assistant.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var dropped = new List<string>();
        var count = 0;
        foreach (var doc in view.Index.Documents.Select(d => d.Info))
        {
            var support = new SentenceSupport(view.Knowledge, embedder, doc.Date);
            foreach (var chunk in view.Index.ChunksOf(doc.Id))
            {
                var passage = new Passage(chunk, doc, 0, null, null, 0);
                foreach (var sentence in chunk.Sentences.Select(chunk.SentenceText).Select(t => t.Trim()).Where(t => t.EndsWith('.') && t.Split(' ').Length >= 6 && !t.Contains('\n', StringComparison.Ordinal)))
                {
                    count++;
                    if (await support.CheckAsync(sentence, [passage]) is { Supported: false } result)
                        dropped.Add($"{doc.Id}: {sentence} — {result.Reason}: {result.Detail}");
                }
            }
        }
        Assert.True(count >= 120, $"{count} sentences");
        Assert.True(dropped.Count <= count / 50, $"{dropped.Count} of {count} dropped:\n{string.Join('\n', dropped)}");
    }

    [Fact]
    public void A_labelled_sentence_with_a_bad_citation_is_reported_with_its_line()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """{"id":"x","sources":[{"doc":"d","quote":"q"}],"text":"t","cites":[2],"kind":"copied","keep":true}""");
        var e = Assert.Throws<FormatException>(() => VerifierItem.Load(path));
        Assert.Contains($"{path}:1", e.Message, StringComparison.Ordinal);
        Assert.Contains("'cites'", e.Message, StringComparison.Ordinal);
        File.Delete(path);
    }
}
