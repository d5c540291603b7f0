using Assistant.Answering;
using Assistant.Answering.Ledger;
using Assistant.Core;
using Assistant.Core.Ledger;

namespace Assistant.Tests.Ledger;

/// <summary>The small fixture lexicon and taxonomy (tests/Assistant.Tests/Ledger/Fixture) and helpers to build terms:
/// fictional companies and clouds, so the rules are tested apart from the corpus and from every eval set.</summary>
internal static class LedgerFixture
{
    public static string Directory => Path.Combine(RepoPaths.Root, "tests", "Assistant.Tests", "Ledger", "Fixture");

    public static Lexicon Lexicon { get; } = DomainKnowledge.LoadLexicon(Directory);

    public static LayerTaxonomy Taxonomy { get; } = DomainKnowledge.LoadTaxonomy(Directory);

    public static ClaimReader Reader { get; } = new(Lexicon);

    public static DateOnly Day(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    public static TermState State(TermStatus status, string from, string quote, params string[] figures) => new()
    {
        Status = status,
        From = Day(from),
        Figures = figures,
        Sources = [new TermSource("doc", quote)],
    };

    public static Term Term(string id, string statement, TermState[] states, string layer = "infrastructure", string[]? parties = null, string[]? platforms = null) => new()
    {
        Id = id,
        Layer = layer,
        Statement = statement,
        Parties = parties ?? [],
        Platforms = platforms ?? [],
        States = states,
    };

    /// <summary>A perfect match of the claim to the term: the reasoner's rules are what is under test.</summary>
    public static TermMatch Match(Term term) => new(term, 1, 1, 1, 1, term.Statement);

    public static Claim Claim(string text, QuestionForm form = QuestionForm.Claim) => Reader.Read(text, form);
}
