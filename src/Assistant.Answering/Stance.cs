using Assistant.Core;

namespace Assistant.Answering;

/// <summary>How a source clause bears on a claim.</summary>
public enum Stance
{
    None,
    Supports,
    Contradicts,
}

/// <summary>The stance of one clause, with the rule that decided it (shown in debug output and tests).</summary>
/// <param name="Relevance">How well the clause, or failing that its sentence, matches the claim.</param>
public sealed record ClauseStance(Stance Stance, string Rule, double Relevance);

/// <summary>Decides whether a source clause supports or contradicts a claim, from cue lexicons (corpus/lexicon.yaml).</summary>
/// <remarks>
/// The rules are general: a claim of change meets a source of continuity; a restrictive claim ("only",
/// "purely", "exclusive") meets a broadening source ("beyond", "any cloud"); a claim naming one rival meets a
/// source that keeps the thing with another; amounts that differ; opposite negation. Hedged clauses
/// ("might", "could") never contradict.
/// </remarks>
public sealed class StanceDetector(Lexicon lexicon, TermMatcher matcher)
{
    /// <summary>Share of the claim's idf mass a clause must match to take a stance (calibrated on the dev set).</summary>
    public const double MinRelevance = 0.3;

    /// <summary>Negation is only read as disagreement in clauses that are clearly about the claim.</summary>
    public const double StrongRelevance = 0.5;

    public static bool AmountsAgree(IReadOnlyList<decimal> a, IReadOnlyList<decimal> b) =>
        a.Any(x => b.Any(y => Math.Abs(x - y) <= 0.1m * Math.Max(x, y)));

    /// <summary>Whether a sentence speaks about the claim's subject: one of its specific names, or "other platforms" for a rival.</summary>
    /// <param name="context">The sentence with its heading and document title: a specific name there counts too.</param>
    public bool MentionsSubject(ClaimFeatures claim, StemmedText sentence, StemmedText? context = null)
    {
        bool Named(QueryTerm n, StemmedText text) => matcher.Matches(n, text) || (IsRival(n) && lexicon.AnyRival.Any(text.Words));
        bool NamedNear(QueryTerm n) => Named(n, sentence) || (context is not null && matcher.IsSpecificEntity(n) && Named(n, context));
        // The claim's first name is who or what it is about ("Microsoft took part…"); it must be there. The
        // partners themselves appear in every title, so for them only the sentence (or "the partnership") counts.
        if (claim.Terms.FirstOrDefault(t => t.IsEntity && matcher.KnownInCorpus(t)) is { } subject && !NamedNear(subject)
            && (matcher.IsSpecificEntity(subject) || !lexicon.Collective.Any(sentence.Words)))
            return false;
        var names = claim.Terms.Where(matcher.IsSpecificEntity).ToList();
        return names.Count == 0 || names.Any(NamedNear);
    }

    private bool IsRival(QueryTerm t) => lexicon.Alternatives.Values.Any(g => g.Any(m => lexicon.SynonymsOf(m).Contains(t.Stem)));

    /// <summary>Negation, denial and prohibition cues ("rules out") that bear on the claim: followed within a few words by one of its terms.</summary>
    private int Polarity(IReadOnlyList<QueryTerm> terms, StemmedText clause)
    {
        var count = 0;
        foreach (var (index, length, _) in _negation.Matches(clause.Words).Concat(_denial.Matches(clause.Words)).Concat(_prohibition.Matches(clause.Words)))
        {
            var window = new StemmedText(string.Join(' ', clause.Words.Skip(index + length).Take(NegationScope)));
            if (terms.Any(t => matcher.Matches(t, window)))
                count++;
        }
        return count % 2;
    }

    /// <summary>How many words after "not" a claim term must appear for the negation to bear on it.</summary>
    private const int NegationScope = 5;

    private readonly CueSet _negation = lexicon.Cue("negation");
    private readonly CueSet _persistence = lexicon.Cue("persistence");
    private readonly CueSet _change = lexicon.Cue("change");
    private readonly CueSet _restriction = lexicon.Cue("restriction");
    private readonly CueSet _broadening = lexicon.Cue("broadening");
    private readonly CueSet _ended = lexicon.Cue("ended_exclusivity");
    private readonly CueSet _denial = lexicon.Cue("denial");
    private readonly CueSet _prohibition = lexicon.Cue("prohibition");
    private readonly CueSet _hedge = lexicon.Cue("hedge");
    private readonly CueSet _contrast = lexicon.Cue("contrast");

    /// <summary>Features of the claim, computed once per question.</summary>
    public sealed record ClaimFeatures(
        IReadOnlyList<QueryTerm> Terms,
        int Polarity,
        bool Change,
        bool Restrictive,
        IReadOnlySet<string> Rivals,
        IReadOnlyList<decimal> Amounts)
    {
        /// <summary>Rivals a claimed change moves toward ("…from Azure to AWS" → AWS); all rivals when no direction is given.</summary>
        public IReadOnlySet<string> Targets { get; init; } = Rivals;
    }

    public ClaimFeatures Features(AnalyzedQuestion q)
    {
        var words = Terms.Words(q.Text).ToList();
        var rivals = Rivals(words);
        var targets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < words.Count; i++)
        {
            if (words[i - 1] is "to" or "onto" or "into" or "toward" or "towards")
                targets.UnionWith(Rivals(words.Skip(i).Take(3).ToList()));
        }
        return new ClaimFeatures(
            q.Terms,
            (_negation.Count(words) + _denial.Count(words)) % 2,
            _change.Any(words),
            _restriction.Any(words),
            rivals,
            QuestionAnalyzer.Amounts(q.Text))
        {
            Targets = targets.Count > 0 ? targets : rivals,
        };
    }

    /// <summary>Clauses of a sentence, cut before contrast words ("while", "but", "whereas"…).</summary>
    public IReadOnlyList<string> Clauses(string sentence)
    {
        var words = sentence.Split(' ');
        var clauses = new List<string>();
        var current = new List<string>();
        foreach (var raw in words)
        {
            var w = Terms.Words(raw).FirstOrDefault() ?? "";
            if (current.Count > 2 && _contrast.Phrases.Contains(w))
            {
                clauses.Add(string.Join(' ', current));
                current.Clear();
            }
            current.Add(raw);
            if (raw.EndsWith(';'))
            {
                clauses.Add(string.Join(' ', current));
                current.Clear();
            }
        }
        if (current.Count > 0)
            clauses.Add(string.Join(' ', current));
        // "While X, Y": the subordinate part ends at its first comma, and Y is a clause of its own.
        return clauses.SelectMany(c =>
        {
            var first = Terms.Words(c).FirstOrDefault() ?? "";
            var comma = c.IndexOf(", ", StringComparison.Ordinal);
            return first is "while" or "although" or "though" or "whereas" or "despite" && comma > 0 && comma < c.Length - 2
                ? new[] { c[..(comma + 1)], c[(comma + 2)..] }
                : [c];
        }).ToList();
    }

    /// <param name="sentenceRelevance">Relevance of the whole sentence (with its context), a floor for short clauses.</param>
    public ClauseStance Judge(ClaimFeatures claim, string clause, double sentenceRelevance)
    {
        var stems = new StemmedText(clause);
        var own = matcher.Coverage(claim.Terms, stems);
        var relevance = Math.Max(own, 0.7 * sentenceRelevance);
        if (relevance < MinRelevance)
            return new(Stance.None, "not relevant", relevance);
        var words = stems.Words;
        var hedged = _hedge.Any(words);
        var polarity = Polarity(claim.Terms, stems);
        var rivals = Rivals(words);
        var persists = _persistence.Any(words);
        // "Any cloud" is a change only when the source says it is new ("may now offer … on any cloud").
        var changes = _change.Any(words) || (_ended.Any(words) && words.Contains("now"));
        var broadens = _broadening.Any(words) || _ended.Any(words);
        var anyCloud = _ended.Any(words);

        ClauseStance Verdict(Stance s, string rule) =>
            hedged && s == Stance.Contradicts ? new(Stance.None, rule + " (hedged)", relevance) : new(s, rule, relevance);

        if (claim.Amounts.Count > 0)
        {
            // A figure is only checked against figures: a different amount may count something else
            // (the whole round rather than one investor), so it never contradicts on its own.
            var amounts = QuestionAnalyzer.Amounts(clause);
            if (AmountsAgree(claim.Amounts, amounts))
                return Verdict(Stance.Supports, "amounts agree");
            if (amounts.Count > 0)
                return new(Stance.None, "amounts differ", relevance);
        }
        if (claim.Change)
        {
            if (changes && polarity == 1)
                return Verdict(Stance.Contradicts, "change denied");
            if (changes && (claim.Targets.Count == 0 || claim.Targets.Overlaps(rivals) || anyCloud))
                return Verdict(Stance.Supports, "change confirmed");
            if (changes)
                return new(Stance.None, "a change toward something else", relevance);
            if (persists)
                return Verdict(Stance.Contradicts, "claims change, source says it continues");
            return new(Stance.None, "claims change, source silent on change", relevance);
        }
        if (claim.Restrictive && broadens)
            return Verdict(Stance.Contradicts, "restrictive claim, source broadens");
        var restricts = _restriction.Any(words);
        if (claim.Rivals.Count > 0)
        {
            if (anyCloud)
                return Verdict(claim.Restrictive ? Stance.Contradicts : Stance.Supports, "source opens it to any rival");
            var shared = claim.Rivals.Overlaps(rivals);
            if (!shared && rivals.Count > 0 && (claim.Restrictive || restricts || persists))
                return Verdict(Stance.Contradicts, "source keeps it with another rival");
        }
        if (polarity != claim.Polarity && own >= MinRelevance)
            return Verdict(Stance.Contradicts, "opposite negation");
        // "Only"/"purely" is confirmed only by a source that says so itself, not by one that merely mentions the topic.
        if (claim.Restrictive && !restricts)
            return new(Stance.None, "restrictive claim, source does not restrict", relevance);
        // A claimed figure is confirmed only by the same figure.
        if (claim.Amounts.Count > 0)
            return new(Stance.None, "no amount", relevance);
        return Verdict(Stance.Supports, "agrees");
    }

    private HashSet<string> Rivals(IReadOnlyList<string> words)
    {
        var text = new StemmedText(string.Join(' ', words));
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in lexicon.Alternatives.Values)
        {
            foreach (var member in group)
            {
                if (lexicon.SynonymsOf(member).Any(text.Contains))
                    found.Add(lexicon.SynonymsOf(member)[0]);
            }
        }
        return found;
    }
}
