using Assistant.Answering;
using Assistant.Core;

namespace Assistant.Tests.Answering;

[Trait("Category", "Unit")]
public sealed class TermMatcherTests
{
    private static readonly Lexicon Lexicon = DomainKnowledge.LoadLexicon(RepoPaths.Corpus);
    private static readonly TermMatcher Matcher = new(Lexicon, new TermStatistics(IndexStatistics.OfTexts(["The Department of Defense signed", "Azure hosts the models", "Amazon invests"])));

    [Fact]
    public void Lexicon_phrases_become_one_term()
    {
        var terms = Matcher.Extract("Is the Defense Department deployment connected to Azure?");

        Assert.Contains(terms, t => t.Stem == Terms.StemPhrase("defense department"));
        Assert.DoesNotContain(terms, t => t.Stem == "department");
    }

    [Fact]
    public void A_synonym_matches_the_other_wording()
    {
        var pentagon = Matcher.Extract("the Pentagon").Single();

        Assert.True(Matcher.Matches(pentagon, new StemmedText("within the U.S. Department of Defense's classified network")));
    }

    [Fact]
    public void Names_are_capitalised_words_after_the_first()
    {
        var names = Terms.NameWords("What are the terms of Google's partnership with Anthropic?");

        Assert.Contains("google", names);
        Assert.Contains("anthropic", names);
        Assert.DoesNotContain("what", names);
    }

    [Fact]
    public void Possessives_are_dropped()
    {
        Assert.Equal(["openai", "core", "models"], Terms.Words("OpenAI’s core models").ToArray());
    }
}
