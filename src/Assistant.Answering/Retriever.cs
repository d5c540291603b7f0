using System.Diagnostics;
using Assistant.Core;
using Microsoft.Extensions.AI;

namespace Assistant.Answering;

/// <summary>What retrieval found for a question: how it was read, the passages, the scored evidence sentences,
/// and why the sources do not cover it (null when they do).</summary>
public sealed record Retrieved(
    ResolvedQuestion Resolved,
    AnalyzedQuestion Question,
    StanceDetector.ClaimFeatures Claim,
    IReadOnlyList<Passage> Passages,
    IReadOnlyList<Evidence> Evidence,
    string? Gap,
    IndexView View)
{
    public bool Covered => Gap is null;
}

/// <summary>The retriever seam both answerers share: read the question, search the index, score evidence, decide coverage.</summary>
public interface IRetriever
{
    Task<Retrieved> RetrieveAsync(ResolvedQuestion question, bool isTalkingPoint, DateOnly? asOf, CancellationToken ct = default);
}

/// <summary>Hybrid retrieval over the served index: keywords widened by the lexicon's synonyms plus the question's
/// embedding, fused by the index; then evidence sentences scored and the coverage decided.</summary>
public sealed class HybridRetriever(ServedIndex served, IEmbeddingGenerator<string, Embedding<float>> embedder) : IRetriever
{
    /// <summary>Below this share of the question's idf mass in the best sentence, the sources do not cover it (see README).</summary>
    public const double MinCoverage = 0.45;

    public const int PassagesPerQuestion = 12;

    public async Task<Retrieved> RetrieveAsync(ResolvedQuestion question, bool isTalkingPoint, DateOnly? asOf, CancellationToken ct = default)
    {
        var view = served.Current;
        var knowledge = view.Knowledge;
        var q = knowledge.Analyzer.Analyze(question, isTalkingPoint);
        var passages = await SearchAsync(view, q, asOf, ct).ConfigureAwait(false);
        var claim = knowledge.Stances.Features(q);
        var evidence = knowledge.Selector.Score(q, claim, passages);
        return new Retrieved(question, q, claim, passages, evidence, CoverageGap(view, q, evidence, passages), view);
    }

    private async Task<IReadOnlyList<Passage>> SearchAsync(IndexView view, AnalyzedQuestion q, DateOnly? asOf, CancellationToken ct)
    {
        using var activity = AssistantTelemetry.Source.StartActivity("assistant.retrieve");
        var clock = Stopwatch.StartNew();
        var embeddings = await embedder.GenerateAsync([q.RetrievalText], EmbeddingPurpose.Query, ct).ConfigureAwait(false);
        // Synonyms widen the keyword side ("Pentagon" also finds "Department of Defense").
        var lexicon = view.Knowledge.Lexicon;
        var keywords = string.Join(' ', q.AllTerms.SelectMany(t => lexicon.SynonymsOf(t.Stem)).Distinct().Prepend(q.RetrievalText));
        var passages = await view.Index.SearchAsync(new HybridQuery(keywords, embeddings[0].Vector, PassagesPerQuestion) { AsOf = asOf }, ct).ConfigureAwait(false);
        AssistantTelemetry.RecordRetrieval(clock.Elapsed.TotalMilliseconds);
        activity?.SetTag("assistant.passages", passages.Count);
        return passages;
    }

    /// <summary>Why the sources do not cover the question, or null when they do.</summary>
    private static string? CoverageGap(IndexView view, AnalyzedQuestion q, IReadOnlyList<Evidence> evidence, IReadOnlyList<Passage> passages)
    {
        var knowledge = view.Knowledge;
        var own = q.Terms.Where(t => !knowledge.Lexicon.MetaTerms.Contains(t.Stem)).ToList();
        if (own.Count == 0 && q.ContextTerms.Count == 0)
            return "the question names no topic the sources discuss";
        var unknown = own.Where(t => t.IsEntity && !knowledge.Matcher.KnownInCorpus(t)).Select(t => t.Surface).ToList();
        if (unknown.Count > 0)
            return $"no source mentions {string.Join(", ", unknown.Distinct())}";
        var entities = own.Where(t => t.IsEntity).ToList();
        if (entities.Count >= 2 && !passages.Select(p => p.Document.Id).Distinct().Any(doc => Mentions(view, doc, entities)))
            return $"no source discusses {string.Join(" and ", entities.Select(e => e.Surface))} together";
        if (evidence.Count == 0 || evidence.Max(e => e.Relevance) < MinCoverage)
            return "the sources do not discuss this";
        return null;
    }

    private static bool Mentions(IndexView view, string docId, IReadOnlyList<QueryTerm> entities)
    {
        var text = new StemmedText(string.Join('\n', view.Index.ChunksOf(docId).Select(c => c.Text)));
        return entities.All(e => view.Knowledge.Matcher.Matches(e, text));
    }
}
