using Assistant.Answering;
using Assistant.Core;

namespace Assistant.Tests.Answering;

[Trait("Category", "Unit")]
public sealed class StanceDetectorTests
{
    private static readonly Lexicon Lexicon = DomainKnowledge.LoadLexicon(RepoPaths.Corpus);
    private static readonly LayerTaxonomy Taxonomy = DomainKnowledge.LoadTaxonomy(RepoPaths.Corpus);

    private static readonly TermMatcher Matcher = new(Lexicon, new TermStatistics(IndexStatistics.OfTexts(
    [
        "OpenAI core AI models remain hosted on Microsoft Azure.",
        "OpenAI launched stateful services on AWS Bedrock.",
        "Amazon contributed around $50 billion to the funding round.",
        "Microsoft was not among the investors named that day.",
        "The relationship extends beyond funding into operational partnerships.",
        "OpenAI may now offer all products on any cloud.",
        "Google Cloud rents capacity to OpenAI. Oracle sells credits.",
        "The partnership remains aligned on responsible AI.",
        "Filler sentence one.", "Filler sentence two.", "Filler sentence three.", "Filler sentence four.",
    ])));

    private static readonly StanceDetector Detector = new(Lexicon, Matcher);

    private static ClauseStance Judge(string claim, string source)
    {
        var q = new QuestionAnalyzer(Matcher, new LayerTagger(Taxonomy)).Analyze(claim, isClaim: true);
        return Detector.Judge(Detector.Features(q), source, 0);
    }

    [Fact]
    public void A_claimed_move_is_contradicted_by_a_source_that_says_it_remains()
    {
        var s = Judge("OpenAI has moved its core models from Azure to AWS.", "core AI models remain hosted on Microsoft Azure");

        Assert.Equal(Stance.Contradicts, s.Stance);
    }

    [Fact]
    public void A_claimed_move_is_not_confirmed_by_a_move_toward_another_rival()
    {
        var s = Judge("OpenAI moved its models to AWS.", "OpenAI agreed to move its models to Microsoft Azure");

        Assert.NotEqual(Stance.Supports, s.Stance);
    }

    [Fact]
    public void A_restrictive_claim_is_contradicted_by_a_broadening_source()
    {
        var s = Judge("OpenAI's Amazon relationship is purely financial.", "Amazon's relationship extends beyond funding into operational partnerships");

        Assert.Equal(Stance.Contradicts, s.Stance);
    }

    [Fact]
    public void A_restrictive_claim_is_not_supported_by_a_source_that_does_not_restrict()
    {
        var s = Judge("OpenAI's Amazon relationship is purely financial.", "Amazon contributed around $50 billion to the OpenAI funding round");

        Assert.NotEqual(Stance.Supports, s.Stance);
    }

    [Fact]
    public void Naming_another_rival_where_the_source_insists_on_one_contradicts()
    {
        var s = Judge("OpenAI core models run on AWS.", "OpenAI core AI models remain hosted on Microsoft Azure");

        Assert.Equal(Stance.Contradicts, s.Stance);
    }

    [Fact]
    public void Any_cloud_supports_a_claim_about_one_rival_and_contradicts_exclusivity()
    {
        Assert.Equal(Stance.Supports, Judge("OpenAI products run on AWS.", "OpenAI may now offer all products on any cloud").Stance);
        Assert.Equal(Stance.Contradicts, Judge("Azure is the exclusive cloud for OpenAI products.", "OpenAI may now offer all products on any cloud").Stance);
    }

    [Fact]
    public void The_same_figure_supports_and_a_different_figure_is_no_contradiction_alone()
    {
        Assert.Equal(Stance.Supports, Judge("Amazon put $50 billion into the funding round.", "Amazon contributed around $50 billion to the funding round").Stance);
        Assert.Equal(Stance.None, Judge("Amazon put $50 billion into the funding round.", "the funding round closed at $122 billion with Amazon").Stance);
    }

    [Fact]
    public void A_negation_bears_on_the_claim_only_when_it_governs_a_claim_term()
    {
        Assert.Equal(Stance.Contradicts, Judge("Microsoft invested in the round.", "Microsoft was not among the investors named that day").Stance);
        Assert.Equal(Stance.Supports, Judge("Microsoft invested in the round.", "Microsoft invested in the round; the amount was not disclosed").Stance);
    }

    [Fact]
    public void Hedged_sources_never_contradict()
    {
        var s = Judge("OpenAI core models run only on Azure.", "OpenAI models might be accessible on AWS");

        Assert.NotEqual(Stance.Contradicts, s.Stance);
    }

    [Fact]
    public void Contrast_words_split_clauses()
    {
        var clauses = Detector.Clauses("OpenAI runs orchestration on AWS, while core models remain on Azure.");

        Assert.Equal(2, clauses.Count);
        Assert.StartsWith("while", clauses[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_leading_subordinate_clause_ends_at_its_comma()
    {
        var clauses = Detector.Clauses("The companies dismiss rumors, clarifying that while models might be accessible via other platforms, the infrastructure is exclusively Azure.");

        Assert.Equal("the infrastructure is exclusively Azure.", clauses[^1]);
    }
}
