using System.Diagnostics;
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
        return (answer, ConversationTurn.Of(request, resolved, answer));
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
