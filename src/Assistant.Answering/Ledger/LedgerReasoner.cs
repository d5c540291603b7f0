using Assistant.Core;
using Assistant.Core.Ledger;

namespace Assistant.Answering.Ledger;

/// <summary>Whether a claim holds on the day asked, as one term's state says.</summary>
public enum Truth
{
    /// <summary>The term says nothing either way (a rival cloud after the term ended, no state yet to compare figures with).</summary>
    Unknown,
    True,
    False,

    /// <summary>Reported, disputed, or announced but not yet in effect: never a flat yes.</summary>
    Partly,
}

/// <summary>What one matched term says about a claim on a day: its state then, the claim's truth, and why.</summary>
public sealed record TermFinding
{
    public required TermMatch Match { get; init; }

    public Term Term => Match.Term;

    /// <summary>The state on the day asked; null when the term had no state yet.</summary>
    public TermState? State { get; init; }

    public required DateOnly Day { get; init; }

    public required Truth Truth { get; init; }

    /// <summary>Why, in plain words (shown by <c>ask --explain</c>).</summary>
    public required string Reason { get; init; }

    /// <summary>The claim held per an earlier state and no longer does.</summary>
    public bool Outdated { get; init; }

    /// <summary>The figures the term gives when the claim named others ("$50 billion", not "$100 billion").</summary>
    public IReadOnlyList<string> RightFigures { get; init; } = [];

    /// <summary>The cloud the term names when the claim named a rival one.</summary>
    public IReadOnlyList<string> RightPlatforms { get; init; } = [];

    /// <summary>The term shows the relationship goes beyond what a restrictive claim ("purely financial") allows.</summary>
    public bool Counterexample { get; init; }
}

/// <summary>Reads a claim against the terms it matches: the state of each on the day asked decides, with the claim's
/// negation, aspect ("still", "no longer", "already", "never"), restriction, figures and clouds taken into account.</summary>
public sealed class LedgerReasoner(ClaimReader reader)
{
    /// <summary>What <paramref name="match"/>'s term says about <paramref name="claim"/> on <paramref name="day"/>.</summary>
    public TermFinding Judge(Claim claim, TermMatch match, DateOnly day)
    {
        var term = match.Term;
        var state = term.StateOn(day);
        var (truth, reason) = Judge(claim, match, term, state, day);
        var finding = new TermFinding { Match = match, State = state, Day = day, Truth = truth, Reason = reason };
        finding = Figures(claim, term, state, finding);
        finding = Platforms(claim, match, term, state, finding);
        finding = Parties(claim, term, state, finding);
        finding = LaterDetail(claim, term, state, finding);
        finding = DeniedDetail(claim, term, state, finding);
        if (finding.Truth == Truth.False && state is not null && term.States.ToList().IndexOf(state) is var i and > 0)
        {
            // Outdated: the claim held per the state before this one.
            var earlier = Judge(claim, match, term.States[i - 1].From);
            if (earlier.Truth == Truth.True && FiguresKnownBy(claim, term, term.States[i - 1].From))
                finding = finding with { Outdated = true, Reason = finding.Reason + $"; it held until {Dates.Iso(state.From)}" };
        }
        return finding;
    }

    private (Truth, string) Judge(Claim claim, TermMatch match, Term term, TermState? state, DateOnly day)
    {
        var status = state?.Status;
        var held = term.HeldBy(day);
        var (truth, reason) = claim.Aspect switch
        {
            Aspect.NoLonger => status switch
            {
                TermStatus.Ended when held => (Truth.True, "it held and has ended"),
                TermStatus.Reported or TermStatus.Disputed => (Truth.Partly, "its state is reported or disputed"),
                TermStatus.InForce => (Truth.False, "it is still in force"),
                _ => (Truth.False, "it never held"),
            },
            Aspect.Never => held ? (Truth.False, "it held at some point") : status is TermStatus.Reported or TermStatus.Disputed
                ? (Truth.Partly, "it is reported or disputed") : (Truth.True, "it has not held"),
            Aspect.Ever => held ? (Truth.True, "it held at some point") : status is TermStatus.Reported or TermStatus.Disputed
                ? (Truth.Partly, "it is reported or disputed") : (Truth.False, "it has not held"),
            Aspect.NotYet => status switch
            {
                TermStatus.InForce => (Truth.False, "it is already in force"),
                TermStatus.Announced => (Truth.True, "it is announced, not yet in effect"),
                TermStatus.Reported or TermStatus.Disputed => (Truth.Partly, "it is reported or disputed"),
                TermStatus.Ended => (Truth.False, "it held and has ended"),
                _ => (Truth.True, "it has not happened yet"),
            },
            _ => status switch
            {
                TermStatus.InForce => (Truth.True, "it is in force"),
                TermStatus.Ended => (Truth.False, "it has ended"),
                TermStatus.Announced when claim.Aspect == Aspect.Already => (Truth.False, "it is announced, not yet in effect"),
                TermStatus.Announced => (Truth.Partly, "it is announced, not yet in effect"),
                TermStatus.Reported => (Truth.Partly, $"it is reported{(state!.By is null ? "" : $" by {state.By}")}, not confirmed"),
                TermStatus.Disputed => (Truth.Partly, "the sources disagree"),
                TermStatus.NotInForce => (Truth.False, "a source says it does not hold"),
                _ => (Truth.False, "it had not happened yet"),
            },
        };
        // "It's not true that X", "X sat out…": the claim denies the proposition. Aspects that are negative already
        // ("no longer", "never", "not yet") carry their own negation.
        // The statement is the term's canonical wording; phrasings (some of them questions) only help matching.
        var flip = claim.Negated != WordingNegated(term.Statement);
        // "X only on Azure" against a term that opens X to any cloud (or the reverse) says the opposite of the term.
        if ((claim.Restrictive && IsBroad(term)) || (claim.Broadening && IsRestrictive(term)))
        {
            flip = !flip;
            reason += claim.Restrictive ? "; the claim restricts what the term opens" : "; the claim opens what the term restricts";
        }
        // "Never exclusive" against a non-exclusive term: that the opposite held says nothing of whether the claim's
        // proposition ever did; a term stating it decides.
        if (flip && claim.Aspect is Aspect.Never or Aspect.Ever)
            return (Truth.Unknown, reason + "; the term states the opposite, so its history cannot tell");
        if (flip && truth is Truth.True or Truth.False)
            (truth, reason) = (truth == Truth.True ? Truth.False : Truth.True, reason + "; the claim says the opposite");
        return (truth, reason);
    }

    /// <summary>Whether every figure the claim names was in the sources by <paramref name="day"/> (a claim about "the
    /// $122 billion round" cannot have been true before that figure existed).</summary>
    private static bool FiguresKnownBy(Claim claim, Term term, DateOnly day)
    {
        if (claim.Figures.Count == 0)
            return true;
        var known = term.History(day).SelectMany(s => s.Sources.SelectMany(x => ClaimReader.Figures(x.Quote)).Concat(ClaimReader.FiguresOfTerm(s.Figures))).ToList();
        return claim.Figures.All(c => known.Any(c.Agrees));
    }

    /// <summary>A claim that names a detail only a later state of the term adds ("purchased data", added on 2 March) is
    /// not confirmed by the state in force on the day asked: at most partly.</summary>
    private TermFinding LaterDetail(Claim claim, Term term, TermState? state, TermFinding finding)
    {
        if (finding.Truth != Truth.True || state is null)
            return finding;
        static HashSet<string> Stems(IEnumerable<string> texts) => texts.SelectMany(Terms.Content).ToHashSet(StringComparer.Ordinal);
        var later = Stems(term.States.Where(s => s.From > state.From).SelectMany(s => s.Sources.Select(x => x.Quote)));
        if (later.Count == 0)
            return finding;
        var known = Stems(term.History(state.From).SelectMany(s => s.Sources.Select(x => x.Quote)).Concat(term.Texts));
        var synonyms = reader.Lexicon;
        var added = Terms.Content(claim.Normalized).Distinct()
            .Where(w => synonyms.SynonymsOf(w).Any(later.Contains) && !synonyms.SynonymsOf(w).Any(known.Contains))
            .ToList();
        return added.Count == 0 ? finding
            : finding with { Truth = Truth.Partly, Reason = $"\"{string.Join(", ", added)}\" comes only from a later source" };
    }

    /// <summary>A detail the term's own sources deny ("AWS distributes the models" against "It does not cover distribution
    /// of OpenAI models by AWS"; "the only product" against "one of 26 products"): the claim is false.</summary>
    private TermFinding DeniedDetail(Claim claim, Term term, TermState? state, TermFinding finding)
    {
        if (finding.Truth != Truth.True || state is null)
            return finding;
        var sentences = term.History(state.From).SelectMany(s => s.Sources)
            .SelectMany(x => SentenceSplitter.Split(x.Quote, 0, x.Quote.Length).Select(r => x.Quote[r.Start..r.End]))
            .ToList();
        // A source denies a detail only in the clause that gives it ("…$250 billion of Azure services, and Microsoft no longer has…").
        var clauses = sentences.SelectMany(ClaimReader.Clauses).Select(c => Terms.Words(c).ToList()).ToList();
        if (claim.Restrictive && !claim.Negated && sentences.Select(s => Terms.Words(s).ToList()).FirstOrDefault(reader.Lexicon.Cue("one_of_many").Any) is { } many)
            return finding with { Truth = Truth.False, Reason = $"a source says \"{string.Join(' ', many.Take(12))}…\": one of several, not the only one" };
        var wordings = term.Texts.SelectMany(Terms.Content).SelectMany(reader.Lexicon.SynonymsOf).ToHashSet(StringComparer.Ordinal);
        foreach (var word in Terms.Content(claim.Subject).Distinct().Where(w => !reader.Lexicon.SynonymsOf(w).Any(wordings.Contains)))
        {
            var with = clauses.Where(s => s.Select(Terms.Stem).Any(x => reader.Lexicon.SynonymsOf(word).Contains(x))).ToList();
            if (with.Count > 0 && with.All(s => reader.Negations(s) % 2 == 1) && claim.Negated == false)
                return finding with { Truth = Truth.False, Reason = $"its source denies \"{word}\"" };
        }
        return finding;
    }

    /// <summary>A claimed figure that is not the term's: contradicted, with the right one (outdated when an earlier state had it).</summary>
    private static TermFinding Figures(Claim claim, Term term, TermState? state, TermFinding finding)
    {
        if (claim.Figures.Count == 0 || state is null)
            return finding;
        var given = ClaimReader.FiguresOfTerm(term.FiguresOf(state));
        var comparable = claim.Figures.Where(c => given.Any(g => g.Unit == c.Unit)).ToList();
        if (comparable.Count == 0)
            return finding;
        if (comparable.All(c => given.Any(c.Agrees)))
            return finding;
        var earlier = term.States.TakeWhile(s => s.From < state.From)
            .Any(s => ClaimReader.FiguresOfTerm(term.FiguresOf(s)) is var old && comparable.All(c => old.Any(c.Agrees)));
        var right = given.Where(g => comparable.Any(c => c.Unit == g.Unit)).Select(g => g.Text).Distinct().ToList();
        if (claim.Negated)
            return finding with { Truth = Truth.True, Reason = $"the term gives {string.Join(", ", right)}, so the claim's denial holds", RightFigures = right };
        return finding with
        {
            Truth = finding.Truth == Truth.Partly ? Truth.Partly : Truth.False,
            Outdated = earlier,
            Reason = $"the term gives {string.Join(", ", right)}, not {string.Join(", ", comparable.Select(c => c.Text))}",
            RightFigures = right,
        };
    }

    /// <summary>A rival cloud in place of the term's: false while the term holds it to its cloud; nothing once it has ended.</summary>
    private TermFinding Platforms(Claim claim, TermMatch match, Term term, TermState? state, TermFinding finding)
    {
        var named = claim.Platforms.Where(p => p != NamedEntity.AnyPlatform).ToList();
        if (named.Count == 0 || term.Platforms.Count == 0 || term.Platforms.Contains(NamedEntity.AnyPlatform) || named.Any(term.Platforms.Contains))
            return finding;
        if (state is not { Status: TermStatus.InForce or TermStatus.Reported or TermStatus.Disputed })
            return finding with { Truth = Truth.Unknown, Reason = $"the term names {string.Join(", ", term.Platforms)}, and it is not in force" };
        var truth = claim.Negated != WordingNegated(term.Statement) ? Truth.True : state.Status == TermStatus.InForce ? Truth.False : Truth.Partly;
        return finding with
        {
            Truth = truth,
            Reason = $"the term names {string.Join(", ", term.Platforms)}, not {string.Join(", ", named)}",
            RightPlatforms = term.Platforms,
        };
    }

    /// <summary>Another company in a role the term gives exclusively to its own parties ("Oracle is the exclusive
    /// distributor" against "AWS is the exclusive distributor"): false while the term holds.</summary>
    private TermFinding Parties(Claim claim, Term term, TermState? state, TermFinding finding)
    {
        if (finding.Truth != Truth.True || state?.Status != TermStatus.InForce || !IsRestrictive(term))
            return finding;
        var owners = term.Platforms.Select(p => reader.Lexicon.Entities.FirstOrDefault(e => e.Id == p)?.Owner).OfType<string>();
        var cast = term.Parties.Concat(owners).ToHashSet(StringComparer.Ordinal);
        var others = claim.Parties.Where(p => !cast.Contains(p)).ToList();
        if (others.Count == 0)
            return finding;
        var right = term.Platforms.Count > 0 ? term.Platforms : term.Parties.Where(p => p is not ("openai" or "microsoft")).ToList();
        return finding with
        {
            Truth = claim.Negated != WordingNegated(term.Statement) ? Truth.True : Truth.False,
            Reason = $"the term gives this role to {string.Join(", ", right)}, not {string.Join(", ", others)}",
            RightPlatforms = right,
        };
    }

    private bool WordingNegated(string wording) => reader.Negations(Terms.Words(wording).ToList()) % 2 == 1;

    /// <summary>A term that opens something up: to any cloud, or no longer exclusively ("non-exclusive").</summary>
    private bool IsBroad(Term term) =>
        term.Platforms.Contains(NamedEntity.AnyPlatform) || reader.Lexicon.Cue("ended_exclusivity").Any(Terms.Words(term.Statement).ToList());

    private bool IsRestrictive(Term term) => !IsBroad(term) && reader.Lexicon.Cue("restriction").Any(Terms.Words(term.Statement).ToList());
}
