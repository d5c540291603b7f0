using System.Text;
using Assistant.Core;
using Assistant.Core.Ledger;

namespace Assistant.Answering.Ledger;

/// <summary>The verdict the matched terms give a claim, and the findings it rests on.</summary>
public sealed record LedgerVerdict(string Verdict, string? Lead, IReadOnlyList<TermFinding> Deciding);

/// <summary>Writes an answer from the terms ledger: the verdict first, then per matched term its state on the day asked
/// with a cited quote, then its history in date order; every factual sentence is a verbatim quote of a corpus document.</summary>
public sealed partial class LedgerComposer(LayerTaxonomy taxonomy, Lexicon lexicon, AnsweringSettings settings)
{
    private readonly ClaimReader _reader = new(lexicon);

    /// <summary>Quotes shown for one state: a reader on a call needs the point, not every restatement.</summary>
    private const int SourcesPerState = 2;

    /// <summary>The verdict from the findings: all true → yes/supported; all false → no/contradicted (outdated when the claim
    /// held before); true on one layer and false on another → partly; reported, disputed or announced → partly.</summary>
    public LedgerVerdict Decide(Claim claim, IReadOnlyList<TermFinding> findings)
    {
        var known = findings.Where(f => f.Truth != Truth.Unknown).ToList();
        if (claim.Form == QuestionForm.Open || known.Count == 0)
            return new LedgerVerdict(Verdicts.Info, null, findings.Take(4).ToList());
        var talking = claim.Form == QuestionForm.Claim;
        // "Purely X", "only Y": one term in force beyond the restriction falsifies it.
        if (known.FirstOrDefault(f => f.Counterexample) is { } counter)
        {
            var shownWith = known.Where(f => f != counter).Take(1).Append(counter).ToList();
            return new LedgerVerdict(talking ? Verdicts.Contradicted : Verdicts.No, "the sources show more than that", shownWith);
        }
        var primary = known[0];
        // Two close terms on one layer that disagree: the claim is ambiguous between them, so no confident verdict.
        if (known.Skip(1).FirstOrDefault(f => f.Term.Layer == primary.Term.Layer && Opposed(f.Truth, primary.Truth)) is { } rival
            && primary.Match.Score - rival.Match.Score < settings.ClearLead)
            return new LedgerVerdict(Verdicts.Partly, "the sources point both ways", [primary, rival]);
        // Findings on the primary's layer must agree with it to count; other layers show where the claim splits.
        // A verdict on a figure rests on the terms that give figures: a term false for another reason is beside the point.
        var deciding = known.Where(f => f == primary || ((primary.RightFigures.Count == 0 || f.RightFigures.Count > 0)
                && (f.Term.Layer != primary.Term.Layer || f.Truth == primary.Truth)))
            .Take(3).ToList();
        var truths = deciding.Select(f => f.Truth).Distinct().ToList();
        // "Already X" next to a part of X that is only announced: not yet all of it.
        if (claim.Aspect == Aspect.Already && truths.Contains(Truth.True) && known.FirstOrDefault(f => f.State?.Status == TermStatus.Announced) is { } pending)
        {
            truths.Add(Truth.Partly);
            if (!deciding.Contains(pending))
                deciding.Add(pending);
        }
        if (truths.Count == 1 && truths[0] == Truth.True)
            return new LedgerVerdict(talking ? Verdicts.Supported : Verdicts.Yes, null, deciding);
        if (truths.Count == 1 && truths[0] == Truth.False)
        {
            var outdated = talking && deciding.Any(f => f.Outdated);
            return new LedgerVerdict(talking ? (outdated ? Verdicts.Outdated : Verdicts.Contradicted) : Verdicts.No, Correction(deciding), deciding);
        }
        var partial = deciding.Where(f => f.Truth == Truth.Partly).Select(f => f.State?.Status).ToList();
        var why = truths.Contains(Truth.True) && truths.Contains(Truth.False) ? "it depends on the layer"
            : partial.Contains(TermStatus.Announced) ? "announced, not yet in effect"
            : partial.Contains(TermStatus.Disputed) ? "the sources disagree"
            : partial.Contains(TermStatus.Reported) ? "reported, not confirmed"
            : "the sources confirm only part of it";
        return new LedgerVerdict(Verdicts.Partly, why, deciding);
    }


    private static bool Opposed(Truth a, Truth b) => (a, b) is (Truth.True, Truth.False) or (Truth.False, Truth.True);

    /// <summary>"they give $50 billion" / "they name AWS": what the sources say in place of a wrong figure or cloud.</summary>
    private string? Correction(IReadOnlyList<TermFinding> findings)
    {
        var figures = findings.SelectMany(f => f.RightFigures).Distinct().ToList();
        if (figures.Count > 0)
            return $"the sources give {string.Join(" and ", figures)}";
        var platforms = findings.SelectMany(f => f.RightPlatforms).Distinct().Select(Name).ToList();
        return platforms.Count > 0 ? $"the sources name {string.Join(" and ", platforms)}" : null;
    }

    private string Name(string entityId) => lexicon.Entities.FirstOrDefault(e => e.Id == entityId)?.Names[0] ?? entityId;

    public sealed record Composition(string Text, IReadOnlyList<Citation> Citations, IReadOnlyList<string> Layers, string? Rephrasing,
        IReadOnlyList<LayerFinding> Findings, IReadOnlyList<string> Terms);

    /// <summary>The answer text and its citations.</summary>
    /// <param name="quoteSource">Finds the passage a quote comes from (the chunk of its document that contains it).</param>
    public Composition Compose(Claim claim, LedgerVerdict verdict, DateOnly day, bool asOfGiven, Func<string, string, Passage?> quoteSource)
    {
        var citations = new List<Citation>();
        var numbers = new Dictionary<(string Doc, string Quote), int>();
        var quoteLayers = new List<string>();
        int? Cite(TermSource source, string layer)
        {
            if (numbers.TryGetValue((source.Doc, source.Quote), out var n))
                return n;
            if (quoteSource(source.Doc, source.Quote) is not { } passage)
                return null;
            n = citations.Count + 1;
            numbers[(source.Doc, source.Quote)] = n;
            citations.Add(Citation.Of(n, passage, source.Quote, layer));
            quoteLayers.AddRange(SentenceLayers(passage, source.Quote));
            return n;
        }

        var sb = new StringBuilder();
        if (VerdictLine(claim.Form, verdict) is { } line)
            sb.Append(line).Append("\n\n");
        var shown = verdict.Deciding.GroupBy(f => f.Term.Id).Select(g => g.First()).ToList();
        var layered = shown.Select(f => f.Term.Layer).Distinct().Count() > 1;
        var layerFindings = new List<LayerFinding>();
        var shownTerms = new List<string>();
        foreach (var f in shown)
        {
            var paragraph = new StringBuilder();
            var citationsBefore = citations.Count;
            if (layered)
                paragraph.Append("**").Append(taxonomy.NameOf(f.Term.Layer)).Append(":** ");
            var cited = new List<int>();
            if (f.State is { } state)
            {
                paragraph.Append(Lead(f.Term, state)).Append(' ');
                foreach (var source in Quotes(claim, f.Term, state, numbers.Keys))
                {
                    if (Cite(source, f.Term.Layer) is { } n)
                    {
                        paragraph.Append(Sentence(source.Quote)).Append(" [").Append(n).Append("] ");
                        cited.Add(n);
                    }
                }
                if (Earlier(f.Term, state) is { } before)
                {
                    var source = Pick(before.Sources).First();
                    if (Cite(source, f.Term.Layer) is { } n)
                    {
                        paragraph.Append("Until ").Append(Day(RunStart(f.Term, state).From)).Append(": ").Append(Sentence(source.Quote)).Append(" [").Append(n).Append("] ");
                        cited.Add(n);
                    }
                }
            }
            // A term whose quotes were all shown already adds nothing.
            if (cited.Count == 0 || cited.All(n => n <= citationsBefore))
                continue;
            sb.Append(paragraph.ToString().TrimEnd()).Append("\n\n");
            shownTerms.Add(f.Term.Id);
            layerFindings.Add(new LayerFinding { Layer = f.Term.Layer, Verdict = FindingVerdict(claim.Form, f), Citations = cited.Distinct().Order().ToList() });
        }
        var newest = citations.Select(c => c.Date).Order(StringComparer.Ordinal).LastOrDefault();
        sb.Append("As of ").Append(Dates.Iso(day)).Append(asOfGiven ? "" : " (today)");
        if (newest is not null)
            sb.Append("; newest source used: ").Append(newest);
        sb.Append('.');
        var rephrasing = claim.Form == QuestionForm.Claim && layerFindings.Count > 0
            ? "Per the sources: " + string.Join(' ', shown.Where(f => f.State is not null).Select(f => (f, n: numbers.GetValueOrDefault((Pick(f.State!.Sources).First().Doc, Pick(f.State!.Sources).First().Quote))))
                .Where(x => x.n > 0).Select(x => $"{Sentence(Pick(x.f.State!.Sources).First().Quote)} [{x.n}]").Distinct())
            : null;
        // The answer speaks about its terms' layers and about what the quoted sentences themselves are mainly about.
        var layers = taxonomy.Order(layerFindings.Select(l => l.Layer).Concat(quoteLayers));
        return new Composition(sb.ToString().Trim(), citations, layers, rephrasing, layerFindings, shownTerms);
    }

    /// <summary>The main layer of each sentence of the passage that the quote covers.</summary>
    private static IEnumerable<string> SentenceLayers(Passage passage, string quote)
    {
        var clean = QuoteText.Clean(quote);
        return passage.Chunk.Sentences
            .Where(s => s.Layers.Count > 0 && clean.Contains(QuoteText.Clean(passage.Chunk.SentenceText(s)), StringComparison.Ordinal))
            .Select(s => s.Layers[0]);
    }

    private static string FindingVerdict(QuestionForm form, TermFinding f) => (form, f.Truth) switch
    {
        (QuestionForm.Open, _) => Verdicts.Info,
        (QuestionForm.Claim, Truth.True) => Verdicts.Supported,
        (QuestionForm.Claim, Truth.False) => f.Outdated ? Verdicts.Outdated : Verdicts.Contradicted,
        (QuestionForm.Claim, _) => Verdicts.Partly,
        (_, Truth.True) => Verdicts.Yes,
        (_, Truth.False) => Verdicts.No,
        _ => Verdicts.Partly,
    };

    private static string? VerdictLine(QuestionForm form, LedgerVerdict v)
    {
        var because = v.Lead is null ? "." : $": {v.Lead}.";
        return v.Verdict switch
        {
            Verdicts.Yes => "Yes.",
            Verdicts.No => "No" + because,
            Verdicts.Partly when form == QuestionForm.Claim => "Partly true" + because,
            Verdicts.Partly => "Partly" + because,
            Verdicts.Supported => "Supported by the sources.",
            Verdicts.Contradicted => "Contradicted by the sources" + because,
            Verdicts.Outdated => "Outdated: true per older sources, superseded by newer ones" + (v.Lead is null ? "." : $"; {v.Lead}."),
            _ => null,
        };
    }

    /// <summary>The quotes shown for a state: the one of its run (the state and the restatements before it with the same
    /// status) that best answers the claim, and the newest one; at most <see cref="SourcesPerState"/>.</summary>
    /// <remarks>Quotes an earlier paragraph already showed are left for others when the state has any.</remarks>
    private IEnumerable<TermSource> Quotes(Claim claim, Term term, TermState state, IEnumerable<(string Doc, string Quote)> shown)
    {
        var run = RunStart(term, state);
        var all = term.States.Where(s => s.From >= run.From && s.From <= state.From).SelectMany(s => s.Sources)
            .DistinctBy(s => s.Quote).ToList();
        // A quote shown already, or one containing or contained in a shown one, would say the same thing twice.
        var seen = shown.Select(s => QuoteText.Clean(s.Quote)).ToList();
        var fresh = all.Where(s => QuoteText.Clean(s.Quote) is var q && !seen.Any(x => x.Contains(q, StringComparison.Ordinal) || q.Contains(x, StringComparison.Ordinal))).ToList();
        var candidates = fresh.Count > 0 ? fresh : all;
        var words = Terms.Content(claim.MatchText).SelectMany(lexicon.SynonymsOf).ToHashSet(StringComparer.Ordinal);
        // An amount or a date asked for is what the quote must give.
        // A cloud the claim names is what the quote must speak of ("…run on AWS, while core models remain Azure-hosted").
        double Wanted(string quote) =>
            (claim.AsksAmount || claim.Figures.Count > 0 ? ClaimReader.Figures(quote).Count > 0 ? 1 : 0 : 0)
            + (claim.AsksTime && YearIn().IsMatch(quote) ? 1 : 0)
            + (0.5 * _reader.Named(quote).Select(e => e.Id).Distinct().Count(claim.Platforms.Contains))
            // "accessible via other platforms" speaks to a claim about a rival cloud as well.
            + (claim.Platforms.Count > 0 && lexicon.AnyRival.Any(Terms.Words(quote).ToList()) ? 0.5 : 0);
        var best = candidates.MaxBy(c => Wanted(c.Quote) + (Terms.Content(c.Quote).Distinct().Count(words.Contains) / Math.Sqrt(1 + Terms.Content(c.Quote).Count())));
        var ordered = new[] { best }.Concat(state.Sources).Where(s => s is not null && candidates.Contains(s)).OfType<TermSource>()
            .DistinctBy(s => s.Quote).ToList();
        // A second document says more than a second sentence of the first: where sources disagree it is the point.
        var second = ordered.Skip(1).FirstOrDefault(s => s.Doc != ordered[0].Doc) ?? ordered.Skip(1).FirstOrDefault();
        return new[] { ordered[0], second }.OfType<TermSource>().Take(SourcesPerState);
    }

    /// <summary>The first state of the run of same-status states that ends with <paramref name="state"/>.</summary>
    private static TermState RunStart(Term term, TermState state)
    {
        var start = state;
        foreach (var s in term.States.TakeWhile(s => s.From <= state.From).Reverse())
        {
            if (s.Status != state.Status)
                break;
            start = s;
        }
        return start;
    }

    /// <summary>How the state is introduced: its status and date, with who reports it when it is not confirmed.</summary>
    private static string Lead(Term term, TermState state) => state.Status switch
    {
        TermStatus.InForce => RunStart(term, state).From is var start && start < state.From
            ? $"Since {Day(start)} (latest source {Day(state.From)}):" : $"Since {Day(start)}:",
        TermStatus.Ended => $"Ended on {Day(state.From)}:",
        TermStatus.Announced => $"Announced on {Day(state.From)}, not yet in effect:",
        TermStatus.Reported => $"Reported on {Day(state.From)}{(state.By is null ? "" : $" by {state.By}")}, not confirmed:",
        TermStatus.NotInForce => $"Not the case as of {Day(state.From)}:",
        _ => $"Disputed (the sources disagree, {Day(state.From)}):",
    };

    /// <summary>The state before <paramref name="state"/> when its status was different (a change worth showing).</summary>
    private static TermState? Earlier(Term term, TermState state)
    {
        var before = term.States.TakeWhile(s => s.From < RunStart(term, state).From).LastOrDefault();
        return before is not null && before.Status != state.Status ? before : null;
    }

    /// <summary>The quotes shown for a state: in the order written (the content owner puts the best first).</summary>
    private static IEnumerable<TermSource> Pick(IReadOnlyList<TermSource> sources) => sources.Take(SourcesPerState);

    private static string Sentence(string quote)
    {
        var s = string.Join(' ', quote.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return s.Length > 0 && !".!?:".Contains(s[^1]) ? s + "." : s;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(?:19|20)\d{2}\b")]
    private static partial System.Text.RegularExpressions.Regex YearIn();

    private static string Day(DateOnly d) => d.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
}
