using Assistant.Core;

namespace Assistant.Answering;

/// <summary>A source sentence considered for an answer, with its score and its stance on the question.</summary>
public sealed record Evidence
{
    public required Passage Passage { get; init; }
    public required SentenceSpan Sentence { get; init; }

    /// <summary>Start of the quoted text in the document: the sentence, or the sentence before it too when this one starts with "This…".</summary>
    public required int QuoteStart { get; init; }
    public required string Quote { get; init; }
    public required double Score { get; init; }
    public required double Relevance { get; init; }

    /// <summary>Whether the sentence names the claim's subject (a precondition for taking a stance).</summary>
    public bool MentionsSubject { get; init; }

    /// <summary>Stances of the sentence's clauses on the claim (empty for open questions).</summary>
    public IReadOnlyList<ClauseFinding> Clauses { get; init; } = [];

    public bool Supports => Clauses.Any(c => c.Stance == Stance.Supports);

    public bool Contradicts => Clauses.Any(c => c.Stance == Stance.Contradicts);

    public DocumentInfo Document => Passage.Document;

    public IReadOnlyList<string> Layers => Sentence.Layers;
}

/// <summary>The stance of one clause of an evidence sentence and the layers that clause speaks about.</summary>
public sealed record ClauseFinding(Stance Stance, IReadOnlyList<string> Layers, string Rule, double Relevance);

/// <summary>Scores every sentence of the retrieved passages against the question.</summary>
public sealed class EvidenceSelector(TermMatcher matcher, StanceDetector stances, LayerTagger tagger)
{
    private const double SectionShare = 0.8;

    /// <summary>How many of the best sentences are read for a stance.</summary>
    public const int StanceCandidates = 16;

    /// <summary>A sentence that only introduces a list ("…include:") says little by itself.</summary>
    private const double LeadInPenalty = 0.3;

    /// <summary>Weight of the passage's embedding similarity: it separates sentences whose words match equally well.</summary>
    private const double DenseShare = 0.5;

    private static readonly HashSet<string> Anaphora = new(StringComparer.Ordinal)
    {
        "this", "it", "these", "that", "those", "they", "such", "its", "their",
    };

    public IReadOnlyList<Evidence> Score(AnalyzedQuestion q, IReadOnlyList<Passage> passages) =>
        Score(q, stances.Features(q), passages);

    public IReadOnlyList<Evidence> Score(AnalyzedQuestion q, StanceDetector.ClaimFeatures claim, IReadOnlyList<Passage> passages)
    {
        var newest = passages.Count == 0 ? default : passages.Max(p => p.Document.Date);
        var oldest = passages.Count == 0 ? default : passages.Min(p => p.Document.Date);
        var span = Math.Max(1, newest.DayNumber - oldest.DayNumber);
        var result = new List<Evidence>();
        for (var rank = 0; rank < passages.Count; rank++)
        {
            var p = passages[rank];
            var c = p.Chunk;
            var section = new StemmedText(c.Section + " " + p.Document.Title);
            var sectionOnly = new StemmedText(c.Section);
            for (var i = 0; i < c.Sentences.Count; i++)
            {
                var s = c.Sentences[i];
                var text = c.SentenceText(s);
                var quoteStart = s.Start;
                var withContext = text;
                var anaphoric = Anaphora.Contains(Terms.Words(text).FirstOrDefault() ?? "");
                var subject = "";
                if (anaphoric && i > 0 && SameBlock(c, c.Sentences[i - 1], s))
                {
                    // "This is a foundational element…": quote the sentence it refers back to as well.
                    quoteStart = c.Sentences[i - 1].Start;
                    withContext = c.Text.Substring(quoteStart - c.Start, s.End - quoteStart);
                }
                else if (anaphoric)
                {
                    // A bullet that starts "This deal…" refers to its section's heading.
                    subject = " " + c.Section;
                }
                var stems = new StemmedText(withContext + subject);
                // Headings name what their bullets are about; they count, a little less than the sentence's own words.
                var lex = Math.Max(matcher.Coverage(q.Terms, stems), SectionShare * matcher.Coverage(q.Terms, stems, sectionOnly));
                var score = lex
                    + (0.3 * matcher.Coverage(q.ContextTerms, stems))
                    + (0.25 * matcher.Coverage(q.Terms, section))
                    + (0.2 / (1 + (0.25 * rank)))
                    + (DenseShare * p.DenseSimilarity)
                    + TypeBonus(q.AnswerType, withContext)
                    - (text.EndsWith(':') ? LeadInPenalty : 0)
                    + LayerBonus(q, s.Layers)
                    + TimeBonus(q, p.Document.Date, oldest, span);
                // A sentence in a document about Stargate speaks about Stargate even when it says "it".
                var mentionsSubject = q.Form != QuestionForm.Open
                    && stances.MentionsSubject(claim, stems, new StemmedText($"{withContext}{subject} {c.Section} {p.Document.Title}"));
                result.Add(new Evidence
                {
                    Passage = p,
                    Sentence = s,
                    QuoteStart = quoteStart,
                    Quote = withContext,
                    Score = score,
                    Relevance = lex,
                    MentionsSubject = mentionsSubject,
                });
            }
        }
        // A sentence can be scored twice (alone and as the context of the next one); keep the better reading.
        var kept = new List<Evidence>();
        foreach (var e in result.OrderByDescending(e => e.Score))
        {
            if (!kept.Any(k => k.Document.Id == e.Document.Id && k.QuoteStart < e.Sentence.End && e.QuoteStart < k.Sentence.End))
                kept.Add(e);
        }
        // Stances cost the most and only the leading sentences can decide a verdict: judge those alone.
        for (var i = 0; i < Math.Min(StanceCandidates, kept.Count); i++)
        {
            var e = kept[i];
            if (e.MentionsSubject)
                kept[i] = e with { Clauses = JudgeClauses(q, claim, e.Passage.Chunk.SentenceText(e.Sentence), e.Relevance, e.Sentence.Layers) };
        }
        return kept;
    }

    private IReadOnlyList<ClauseFinding> JudgeClauses(AnalyzedQuestion q, StanceDetector.ClaimFeatures claim, string sentence, double relevance, IReadOnlyList<string> sentenceLayers)
    {
        if (q.Form == QuestionForm.Open)
            return [];
        var found = new List<ClauseFinding>();
        foreach (var clause in stances.Clauses(sentence))
        {
            var judged = stances.Judge(claim, clause, relevance);
            if (judged.Stance == Stance.None)
                continue;
            var layers = tagger.Tag(clause);
            found.Add(new ClauseFinding(judged.Stance, layers.Count > 0 ? layers : sentenceLayers, judged.Rule, judged.Relevance));
        }
        return found;
    }

    /// <summary>The main layer of each clause of a sentence that has several ("…, while …"); empty otherwise.</summary>
    public IReadOnlyList<string> ClauseLayers(Evidence e)
    {
        var clauses = stances.Clauses(e.Passage.Chunk.SentenceText(e.Sentence));
        return clauses.Count < 2 ? [] : clauses.SelectMany(c => tagger.Tag(c).Take(1)).Distinct().ToList();
    }

    private static bool SameBlock(Chunk c, SentenceSpan a, SentenceSpan b) =>
        !c.Text.AsSpan(a.End - c.Start, b.Start - a.End).Contains('\n');

    private static double TypeBonus(AnswerType type, string text) => type switch
    {
        AnswerType.Amount when QuestionAnalyzer.Amounts(text).Count > 0 => 0.25,
        AnswerType.Time when QuestionAnalyzer.YearPattern().IsMatch(text) => 0.25,
        _ => 0,
    };

    private static double LayerBonus(AnalyzedQuestion q, IReadOnlyList<string> layers)
    {
        var bonus = 0.0;
        // A question that names a layer is best answered by sentences mainly about it.
        if (q.FocusLayers.Count > 0 && layers.Count > 0)
            bonus += q.FocusLayers.Contains(layers[0]) ? 0.25 : layers.Intersect(q.FocusLayers).Any() ? 0.1 : 0;
        // "What else…": sentences mainly about what the last answer covered step back.
        if (q.AvoidLayers.Count > 0 && layers.Count > 0 && q.AvoidLayers.Contains(layers[0]))
            bonus -= 0.35;
        return bonus;
    }

    private static double TimeBonus(AnalyzedQuestion q, DateOnly date, DateOnly oldest, int span)
    {
        var bonus = 0.0;
        if (q.Period is { } period)
            bonus += date >= period.From && date <= period.To ? 0.4 : -0.3;
        if (q.WantsLatest)
            bonus += 0.2 * (date.DayNumber - oldest.DayNumber) / span;
        return bonus;
    }
}
