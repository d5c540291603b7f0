using System.Diagnostics;
using System.Globalization;
using Assistant.Core;
using Assistant.Retrieval;
using Microsoft.Extensions.AI;

namespace Assistant.Answering;

/// <summary>What the user wants answered, with the conversation so far and the day to answer for.</summary>
public sealed record AskRequest(string Question)
{
    public IReadOnlyList<Turn> History { get; init; } = [];
    public DateOnly? AsOf { get; init; }
    public bool IsTalkingPoint { get; init; }
    public string? Id { get; init; }
}

/// <summary>A step of a streamed answer: the text so far while it is written, then the verified answer.</summary>
public sealed record AnswerUpdate(string? TextSoFar, Answer? Final = null);

/// <summary>Answers questions and checks talking points; the extractive and generative answerers implement it.</summary>
public interface IAnswerer
{
    Task<(Answer Answer, Turn Turn)> AnswerAsync(AskRequest request, CancellationToken ct = default);

    /// <summary>Progressive text while the answer is written (generative mode), always ending with the final answer.</summary>
    IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, CancellationToken ct = default);
}

/// <summary>Conversation helpers every answerer shares.</summary>
public static class AnswererExtensions
{
    /// <summary>Answers the earlier questions of a conversation in order, then the last one.</summary>
    public static async Task<Answer> AnswerInConversationAsync(this IAnswerer answerer, IReadOnlyList<string> history, AskRequest last, CancellationToken ct = default)
    {
        var turns = new List<Turn>();
        foreach (var h in history)
        {
            var (_, turn) = await answerer.AnswerAsync(new AskRequest(h) { History = turns.ToList(), AsOf = last.AsOf }, ct).ConfigureAwait(false);
            turns.Add(turn);
        }
        var (answer, _) = await answerer.AnswerAsync(last with { History = turns }, ct).ConfigureAwait(false);
        return answer;
    }
}

/// <summary>Everything the extractive answerer reads: taxonomy, lexicon and term statistics of the current index.</summary>
public sealed class AnswerKnowledge
{
    public AnswerKnowledge(LayerTaxonomy taxonomy, Lexicon lexicon, IPassageIndex index)
    {
        Taxonomy = taxonomy;
        Lexicon = lexicon;
        Tagger = new LayerTagger(taxonomy);
        Matcher = new TermMatcher(lexicon, TermStatistics.From(index));
        Analyzer = new QuestionAnalyzer(Matcher, Tagger);
        Stances = new StanceDetector(lexicon, Matcher);
        Selector = new EvidenceSelector(Matcher, Stances, Tagger);
        Composer = new AnswerComposer(taxonomy, Selector);
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
public sealed class ExtractiveAnswerer(
    IPassageIndex index,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    AnswerKnowledge knowledge,
    EmbeddingGenerationOptions? queryOptions = null) : IAnswerer
{
    /// <summary>Below this share of the question's idf mass in the best sentence, the sources do not cover it (calibrated on the dev set; see README).</summary>
    public const double MinCoverage = 0.45;

    public const int PassagesPerQuestion = 12;

    private readonly FollowUpResolver _followUps = new();

    public async Task<(Answer Answer, Turn Turn)> AnswerAsync(AskRequest request, CancellationToken ct = default)
    {
        using var activity = AssistantTelemetry.Source.StartActivity("assistant.answer");
        var (answer, turn, _) = await AnswerWithSourcesAsync(request, ct).ConfigureAwait(false);
        AssistantTelemetry.RecordAnswer(answer, answer.LatencyMs);
        return (answer, turn);
    }

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var (answer, _) = await AnswerAsync(request, ct).ConfigureAwait(false);
        yield return new AnswerUpdate(null, answer);
    }

    /// <summary>The turn a conversation remembers for an answer written elsewhere (the generative answerer).</summary>
    internal Turn TurnFor(AskRequest request, Answer answer) =>
        new(request.Question, _followUps.Resolve(knowledge.Analyzer.Analyze(request.Question, request.IsTalkingPoint), request.History), answer);

    /// <summary>The answer together with the passages retrieval found (the generative answerer's sources).</summary>
    internal async Task<(Answer Answer, Turn Turn, IReadOnlyList<Passage> Passages)> AnswerWithSourcesAsync(AskRequest request, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var q = knowledge.Analyzer.Analyze(request.Question, request.IsTalkingPoint);
        q = _followUps.Resolve(q, request.History);
        var passages = await RetrieveAsync(q, request.AsOf, ct).ConfigureAwait(false);
        var claim = knowledge.Stances.Features(q);
        var evidence = knowledge.Selector.Score(q, claim, passages);
        var gap = CoverageGap(q, evidence, passages);
        Answer answer;
        if (gap is not null)
        {
            answer = Abstain(request, gap);
        }
        else
        {
            var top = evidence.Where(e => e.Score >= 0.45 * evidence[0].Score).Take(14).ToList();
            var (verdict, layerVerdicts) = VerdictRules.Decide(q, top, claim);
            if (q.Form == QuestionForm.Claim && verdict == Verdicts.NotCovered)
            {
                answer = Abstain(request, "the sources do not confirm or contradict this statement");
            }
            else
            {
                var c = knowledge.Composer.Compose(q, evidence, verdict, layerVerdicts, request.AsOf);
                answer = new Answer
                {
                    Id = request.Id,
                    Question = request.Question,
                    Text = c.Text,
                    Verdict = verdict,
                    Layers = c.Layers,
                    Citations = c.Citations,
                    FollowUps = FollowUps(c.Layers, passages, request.History, request.Question),
                    AsOf = request.AsOf?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Findings = q.Form == QuestionForm.Open ? null : Findings(layerVerdicts, c),
                    Rephrasing = c.Rephrasing,
                };
            }
        }
        answer = answer with { LatencyMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1) };
        return (answer, new Turn(request.Question, q, answer), passages);
    }

    /// <summary>Rebuilds a conversation's turns from what was stored (questions and answered layers), without answering again.</summary>
    public IReadOnlyList<Turn> Replay(IEnumerable<(string Question, bool IsTalkingPoint, IReadOnlyList<string> Layers)> stored)
    {
        var turns = new List<Turn>();
        foreach (var (question, isTalkingPoint, layers) in stored)
        {
            var q = _followUps.Resolve(knowledge.Analyzer.Analyze(question, isTalkingPoint), turns);
            turns.Add(new Turn(question, q, new Answer { Question = question, Text = "", Verdict = Verdicts.Info, Layers = layers }));
        }
        return turns;
    }

    /// <summary>The scored evidence behind an answer, best first: for `ask --explain` and for tuning the cue lexicons.</summary>
    public async Task<(AnalyzedQuestion Question, IReadOnlyList<Evidence> Evidence)> ExplainAsync(AskRequest request, CancellationToken ct = default)
    {
        var q = _followUps.Resolve(knowledge.Analyzer.Analyze(request.Question, request.IsTalkingPoint), request.History);
        var passages = await RetrieveAsync(q, request.AsOf, ct).ConfigureAwait(false);
        return (q, knowledge.Selector.Score(q, passages));
    }

    /// <summary>The passages retrieval returns for a question (no conversation), for measuring retrieval on its own.</summary>
    public async Task<IReadOnlyList<Passage>> RetrieveAsync(string question, DateOnly? asOf, CancellationToken ct = default) =>
        await RetrieveAsync(knowledge.Analyzer.Analyze(question), asOf, ct).ConfigureAwait(false);

    internal async Task<IReadOnlyList<Passage>> RetrieveAsync(AnalyzedQuestion q, DateOnly? asOf, CancellationToken ct)
    {
        using var activity = AssistantTelemetry.Source.StartActivity("assistant.retrieve");
        var clock = Stopwatch.StartNew();
        var passages = await SearchAsync(q, asOf, ct).ConfigureAwait(false);
        AssistantTelemetry.RecordRetrieval(clock.Elapsed.TotalMilliseconds);
        activity?.SetTag("assistant.passages", passages.Count);
        return passages;
    }

    private async Task<IReadOnlyList<Passage>> SearchAsync(AnalyzedQuestion q, DateOnly? asOf, CancellationToken ct)
    {
        var embeddings = await embedder.GenerateAsync([q.RetrievalText], queryOptions, ct).ConfigureAwait(false);
        // Synonyms widen the keyword side ("Pentagon" also finds "Department of Defense").
        var keywords = string.Join(' ', q.AllTerms.SelectMany(t => knowledge.Lexicon.SynonymsOf(t.Stem)).Distinct().Prepend(q.RetrievalText));
        return await index.SearchAsync(new HybridQuery(keywords, embeddings[0].Vector, PassagesPerQuestion) { AsOf = asOf }, ct).ConfigureAwait(false);
    }

    /// <summary>Why the sources do not cover the question, or null when they do.</summary>
    private string? CoverageGap(AnalyzedQuestion q, IReadOnlyList<Evidence> evidence, IReadOnlyList<Passage> passages)
    {
        var own = q.Terms.Where(t => !knowledge.Lexicon.MetaTerms.Contains(t.Stem)).ToList();
        if (own.Count == 0 && q.ContextTerms.Count == 0)
            return "the question names no topic the sources discuss";
        var unknown = own.Where(t => t.IsEntity && !knowledge.Matcher.KnownInCorpus(t)).Select(t => t.Surface).ToList();
        if (unknown.Count > 0)
            return $"no source mentions {string.Join(", ", unknown.Distinct())}";
        var entities = own.Where(t => t.IsEntity).ToList();
        if (entities.Count >= 2 && !passages.Select(p => p.Document.Id).Distinct().Any(doc => Mentions(doc, entities)))
            return $"no source discusses {string.Join(" and ", entities.Select(e => e.Surface))} together";
        if (evidence.Count == 0 || evidence.Max(e => e.Relevance) < MinCoverage)
            return "the sources do not discuss this";
        return null;
    }

    private bool Mentions(string docId, IReadOnlyList<QueryTerm> entities)
    {
        var text = new StemmedText(string.Join('\n', index.ChunksOf(docId).Select(c => c.Text)));
        return entities.All(e => knowledge.Matcher.Matches(e, text));
    }

    private Answer Abstain(AskRequest request, string reason)
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
            AsOf = request.AsOf?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    private IReadOnlyList<string> FollowUps(IReadOnlyList<string> answered, IReadOnlyList<Passage> passages, IReadOnlyList<Turn> history, string question)
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
