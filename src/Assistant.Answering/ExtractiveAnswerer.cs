using System.Diagnostics;
using Assistant.Answering.Ledger;
using Assistant.Core;

namespace Assistant.Answering;

/// <summary>What the user wants answered, with the conversation so far and the day to answer for.</summary>
public sealed record AskRequest(string Question)
{
    public IReadOnlyList<ConversationTurn> History { get; init; } = [];
    public DateOnly? AsOf { get; init; }
    public bool IsTalkingPoint { get; init; }
    public string? Id { get; init; }
}

/// <summary>A step of a streamed answer: the text so far while it is written, then the verified answer and its turn.</summary>
public sealed record AnswerUpdate(string? TextSoFar, Answer? Final = null, ConversationTurn? Turn = null);

/// <summary>Answers questions and checks talking points; the extractive and generative answerers implement it.</summary>
public interface IAnswerer
{
    /// <summary>"extractive", or "generative (Azure OpenAI deployment D)".</summary>
    string Mode { get; }

    /// <summary>Whether <see cref="StreamAsync"/> shows text while the answer is written (else it yields the final answer only).</summary>
    bool Streams { get; }

    /// <summary>The answer and the turn the conversation remembers for it.</summary>
    Task<(Answer Answer, ConversationTurn Turn)> AnswerAsync(AskRequest request, CancellationToken ct = default);

    /// <summary>Progressive text while the answer is written (generative mode), always ending with the final answer.</summary>
    IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, CancellationToken ct = default);
}

/// <summary>Everything the engine reads for one index version: taxonomy, lexicon, settings, the term statistics of the
/// passages (counted at ingest), and the terms ledger with its vectors. It reads no chunk until a passage is asked for.</summary>
public sealed partial class AnswerKnowledge
{
    private readonly IPassageIndex _index;
    private readonly HashSet<string> _vocabulary;
    private readonly HashSet<string> _vocabularyWords;

    public AnswerKnowledge(LayerTaxonomy taxonomy, Lexicon lexicon, IPassageIndex index, AnsweringSettings? settings = null)
    {
        _index = index;
        Taxonomy = taxonomy;
        Lexicon = lexicon;
        Settings = settings ?? new AnsweringSettings();
        Tagger = new LayerTagger(taxonomy);
        var statistics = new TermStatistics(index.Statistics);
        Matcher = new TermMatcher(lexicon, statistics);
        Analyzer = new QuestionAnalyzer(Matcher, Tagger);
        Stances = new StanceDetector(lexicon, Matcher);
        Selector = new EvidenceSelector(Matcher, Stances, Tagger);
        Composer = new AnswerComposer(taxonomy, Selector);
        Claims = new ClaimReader(lexicon);
        Ledger = new LedgerMatcher(index.Ledger, index.TermVectors, Claims, Settings, statistics.Stems);
        Reasoner = new LedgerReasoner(Claims);
        LedgerComposer = new LedgerComposer(taxonomy, lexicon, Settings);
        LedgerReader = new LedgerReader(Claims, Ledger, Reasoner, taxonomy, Settings);
        // Every word the sources, the terms and the lexicon use: a question word outside it names something they do not cover.
        var texts = index.Ledger.Terms.SelectMany(t => t.Texts)
            .Concat(lexicon.Entities.SelectMany(e => e.Names))
            .Concat(lexicon.Aliases.Select(a => a.Meaning))
            .Concat(taxonomy.Layers.SelectMany(l => l.Questions.Append(l.Description).Append(l.Name)));
        _vocabularyWords = texts.SelectMany(Core.Terms.Words).Where(w => w.Length >= 4).Concat(index.Statistics.Words).ToHashSet(StringComparer.Ordinal);
        LedgerYears = index.Ledger.Terms.SelectMany(t => t.States).SelectMany(s => s.Figures).Where(f => YearOnly().IsMatch(f)).ToHashSet(StringComparer.Ordinal);
        _vocabulary = _vocabularyWords.Select(Core.Terms.Stem).Concat(statistics.Stems).Concat(lexicon.Vocabulary).ToHashSet(StringComparer.Ordinal);
    }

    public AnsweringSettings Settings { get; }

    /// <summary>Embeddings of source sentences the generative verifier compared a sentence with, kept for this index
    /// version (at most <see cref="MaxSentenceVectors"/>): they are the same from one answer to the next.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, ReadOnlyMemory<float>> SentenceVectors { get; } = new(StringComparer.Ordinal);

    public const int MaxSentenceVectors = 20_000;

    /// <summary>Years the ledger's terms give as figures ("through 2032"): a question about one is in reach even though no
    /// source is dated then.</summary>
    public IReadOnlySet<string> LedgerYears { get; }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:19|20)\d{2}$")]
    private static partial System.Text.RegularExpressions.Regex YearOnly();

    public ClaimReader Claims { get; }
    public LedgerMatcher Ledger { get; }
    public LedgerReasoner Reasoner { get; }
    public LedgerComposer LedgerComposer { get; }
    public LedgerReader LedgerReader { get; }

    /// <summary>Whether a word is a name the lexicon knows (an entity's name, a word of one such as "Vertex" of "Vertex AI",
    /// or a shorthand), even if no source uses it.</summary>
    public bool IsKnownName(string surface)
    {
        var folded = TextFolding.Fold(surface);
        return Lexicon.Entities.Any(e => e.Names.Any(n => TextFolding.Fold(n) == folded
                || (folded.Length >= 4 && TextFolding.Fold(n).Split(' ').Contains(folded, StringComparer.OrdinalIgnoreCase))))
            || Lexicon.Aliases.Any(a => TextFolding.Fold(a.Shorthand) == folded || TextFolding.Fold(a.Meaning) == folded);
    }

    /// <summary>The company behind a cloud (aws → amazon), or null.</summary>
    public string? OwnerOf(string platform) => Lexicon.Entities.FirstOrDefault(e => e.Id == platform)?.Owner;

    /// <summary>Content words of the text that no source, term or lexicon entry uses, and that are not a misspelling of
    /// one that is (within two letters of a known word of similar length).</summary>
    public IReadOnlyList<string> UnknownWords(string text)
    {
        var words = Core.Terms.Words(text).Where(w => w.Length >= 4 && !Core.Terms.IsStopWord(w) && !w.All(char.IsDigit)).Distinct().ToList();
        return words.Where(w => !_vocabulary.Contains(Core.Terms.Stem(w)) && !Lexicon.MetaTerms.Contains(Core.Terms.Stem(w)) && !NearKnown(w)).ToList();
    }

    private bool NearKnown(string word) =>
        _vocabularyWords.Any(k => Math.Abs(k.Length - word.Length) <= 2 && k[0] == word[0] && EditDistance(k, word) <= (word.Length >= 7 ? 2 : 1));

    private static int EditDistance(string a, string b)
    {
        var d = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            d[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = d[0];
            d[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = d[j];
                d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return d[b.Length];
    }

    /// <summary>The passage a ledger quote comes from: the chunk of its document that contains its first words.</summary>
    public Passage? PassageOf(string docId, string quote)
    {
        var info = _index.Documents.FirstOrDefault(d => d.Info.Id == docId)?.Info;
        if (info is null)
            return null;
        var chunks = _index.ChunksOf(docId).Select(c => (Chunk: c, Clean: QuoteText.Clean(c.Text))).ToList();
        var clean = QuoteText.Clean(quote);
        var head = clean[..Math.Min(clean.Length, 60)];
        var hit = chunks.FirstOrDefault(c => c.Clean.Contains(clean, StringComparison.Ordinal)).Chunk
            ?? chunks.FirstOrDefault(c => c.Clean.Contains(head, StringComparison.Ordinal)).Chunk;
        return hit is null ? null : new Passage(hit, info, 0, null, null, 0);
    }

    public LayerTaxonomy Taxonomy { get; }
    public Lexicon Lexicon { get; }
    public LayerTagger Tagger { get; }
    public TermMatcher Matcher { get; }
    public QuestionAnalyzer Analyzer { get; }
    public StanceDetector Stances { get; }
    public EvidenceSelector Selector { get; }
    public AnswerComposer Composer { get; }
}

/// <summary>The grounded answerer that needs no language model: retrieval, evidence sentences, rule-based verdicts.</summary>
public sealed class ExtractiveAnswerer(IRetriever retriever, IFollowUpResolver followUps) : IAnswerer
{
    public string Mode => "extractive";

    public bool Streams => false;

    public async Task<(Answer Answer, ConversationTurn Turn)> AnswerAsync(AskRequest request, CancellationToken ct = default)
    {
        using var activity = AssistantTelemetry.Source.StartActivity("assistant.answer");
        var clock = Stopwatch.StartNew();
        var resolved = await followUps.ResolveAsync(request.Question, request.History, ct).ConfigureAwait(false);
        var retrieved = await retriever.RetrieveAsync(resolved, request.IsTalkingPoint, request.AsOf, ct).ConfigureAwait(false);
        var answer = Compose(request, retrieved) with { LatencyMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1) };
        AssistantTelemetry.RecordAnswer(answer, answer.LatencyMs);
        return (answer, ConversationTurn.Of(request, resolved, answer, answer.Terms));
    }

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var (answer, turn) = await AnswerAsync(request, ct).ConfigureAwait(false);
        yield return new AnswerUpdate(null, answer, turn);
    }

    /// <summary>The extractive answer to what retrieval found: the verdict, one paragraph per layer, every sentence quoted.</summary>
    public Answer Compose(AskRequest request, Retrieved r)
    {
        var knowledge = r.View.Knowledge;
        if (r.Gap is not null)
            return Abstain(knowledge, request, r.Gap);
        if (r.Findings.Count > 0)
            return FromLedger(request, r);
        var (q, evidence) = (r.Question, r.Evidence);
        var top = evidence.Where(e => e.Score >= 0.45 * evidence[0].Score).Take(14).ToList();
        var (verdict, layerVerdicts) = VerdictRules.Decide(q, top, r.Claim);
        if (q.Form == QuestionForm.Claim && verdict == Verdicts.NotCovered)
            return Abstain(knowledge, request, "the sources do not confirm or contradict this statement");
        var c = knowledge.Composer.Compose(q, evidence, verdict, layerVerdicts, request.AsOf);
        return new Answer
        {
            Id = request.Id,
            Question = request.Question,
            Text = c.Text,
            Verdict = verdict,
            Layers = c.Layers,
            Citations = c.Citations,
            FollowUps = FollowUps(knowledge, c.Layers, r.Passages, request.History, request.Question),
            AsOf = request.AsOf is { } d ? Dates.Iso(d) : null,
            Findings = q.Form == QuestionForm.Open ? null : Findings(layerVerdicts, c),
            Rephrasing = c.Rephrasing,
        };
    }

    /// <summary>The answer from the terms ledger: the matched terms' states on the day asked, quoted.</summary>
    private static Answer FromLedger(AskRequest request, Retrieved r)
    {
        var knowledge = r.View.Knowledge;
        var verdict = knowledge.LedgerComposer.Decide(r.Reading, r.Findings);
        var c = knowledge.LedgerComposer.Compose(r.Reading, verdict, r.Day, request.AsOf is not null, knowledge.PassageOf);
        if (c.Citations.Count == 0)
            return Abstain(knowledge, request, "the sources do not confirm or contradict this statement");
        return new Answer
        {
            Id = request.Id,
            Question = request.Question,
            Text = c.Text,
            Verdict = verdict.Verdict,
            Layers = c.Layers,
            Citations = c.Citations,
            FollowUps = FollowUps(knowledge, c.Layers, r.Passages, request.History, request.Question),
            AsOf = request.AsOf is { } d ? Dates.Iso(d) : null,
            Findings = r.Reading.Form == QuestionForm.Open ? null : c.Findings,
            Rephrasing = c.Rephrasing,
            Terms = c.Terms,
        };
    }

    private static Answer Abstain(AnswerKnowledge knowledge, AskRequest request, string reason)
    {
        var examples = knowledge.Taxonomy.Layers.Select(l => l.Questions.FirstOrDefault()).OfType<string>().Take(3).ToList();
        var text = $"The sources don't cover that: {reason}. I answer from the Microsoft–OpenAI partnership statement and related dated sources. You could ask:\n"
            + string.Join('\n', examples.Select(e => "- " + e));
        return new Answer
        {
            Id = request.Id,
            Question = request.Question,
            Text = text,
            Verdict = Verdicts.NotCovered,
            Abstained = true,
            FollowUps = examples,
            AsOf = request.AsOf is { } d ? Dates.Iso(d) : null,
        };
    }

    private static IReadOnlyList<string> FollowUps(AnswerKnowledge knowledge, IReadOnlyList<string> answered, IReadOnlyList<Passage> passages, IReadOnlyList<ConversationTurn> history, string question)
    {
        var asked = history.Select(t => TextFolding.Fold(t.Question)).Append(TextFolding.Fold(question)).ToHashSet();
        var nearby = passages.SelectMany(p => p.Chunk.Layers).GroupBy(l => l).OrderByDescending(g => g.Count()).Select(g => g.Key);
        var order = answered.Concat(nearby.Except(answered)).ToList();
        return order
            .SelectMany((l, i) => knowledge.Taxonomy.ById[l].Questions.Skip(answered.Contains(l) ? 1 : 0).Take(1))
            .Where(s => !asked.Contains(TextFolding.Fold(s)))
            .Distinct()
            .Take(3)
            .ToList();
    }

    private static IReadOnlyList<LayerFinding> Findings(IReadOnlyList<LayerVerdict> verdicts, AnswerComposer.Composition c)
    {
        var numbers = c.Citations.ToDictionary(x => (x.DocId, x.Quote), x => x.N);
        return verdicts.Select(v => new LayerFinding
        {
            Layer = v.Layer,
            Verdict = v.Verdict,
            Citations = v.Deciding.Concat(v.Superseded)
                .Select(e => numbers.TryGetValue((e.Document.Id, e.Quote), out var n) ? n : 0)
                .Where(n => n > 0).Distinct().Order().ToList(),
        }).ToList();
    }
}
