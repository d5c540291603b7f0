using System.Diagnostics;
using Assistant.Answering.Ledger;
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

    /// <summary>The question read as a claim (aliases expanded, negation, aspect, figures, parties, period).</summary>
    public required Claim Reading { get; init; }

    /// <summary>The day the terms are read on: as_of (today when absent), or the end of a past period the claim names.</summary>
    public required DateOnly Day { get; init; }

    /// <summary>The terms matched, best first.</summary>
    public IReadOnlyList<TermMatch> Matches { get; init; } = [];

    /// <summary>What the terms matched well enough say about the claim on <see cref="Day"/>; empty when no term decides.</summary>
    public IReadOnlyList<TermFinding> Findings { get; init; } = [];
}

/// <summary>The retriever seam both answerers share: read the question, search the index, score evidence, decide coverage.</summary>
public interface IRetriever
{
    Task<Retrieved> RetrieveAsync(ResolvedQuestion question, bool isTalkingPoint, DateOnly? asOf, CancellationToken ct = default);
}

/// <summary>Hybrid retrieval over the served index: keywords widened by the lexicon's synonyms plus the question's
/// embedding, fused by the index; then evidence sentences scored and the coverage decided.</summary>
public sealed partial class HybridRetriever(ServedIndex served, IEmbeddingGenerator<string, Embedding<float>> embedder) : IRetriever
{
    public const int PassagesPerQuestion = 12;

    public async Task<Retrieved> RetrieveAsync(ResolvedQuestion question, bool isTalkingPoint, DateOnly? asOf, CancellationToken ct = default)
    {
        var view = served.Current;
        var knowledge = view.Knowledge;
        // Shorthand is read as the sources write it (MSFT → Microsoft) before anything else looks at the question.
        var normalized = new ResolvedQuestion(knowledge.Claims.Normalize(question.Text), knowledge.Claims.Normalize(question.Context)) { AvoidLayers = question.AvoidLayers };
        var q = knowledge.Analyzer.Analyze(normalized, isTalkingPoint);
        var passages = await SearchAsync(view, q, asOf, ct).ConfigureAwait(false);
        var features = knowledge.Stances.Features(q);
        var evidence = knowledge.Selector.Score(q, features, passages);
        // Terms are matched sentence to sentence, so claims are embedded as the terms' wordings were (no query prefix).
        var ledger = await knowledge.LedgerReader.ReadAsync(question, q.Form, asOf,
            async text => (await embedder.GenerateAsync([text], cancellationToken: ct).ConfigureAwait(false))[0].Vector).ConfigureAwait(false);
        var findings = ledger.Findings;
        var gap = CoverageGap(view, q, evidence, passages, findings.Count > 0, ledger.Matches.Count == 0 ? 0 : ledger.Matches[0].Score, ledger.Claim.Parties.Count > 0)
            ?? OutOfReach(view, ledger, normalized.Text);
        return new Retrieved(question, q, features, passages, evidence, gap, view) { Reading = ledger.Claim, Day = ledger.Day, Matches = ledger.Matches, Findings = findings };
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

    /// <summary>Why the sources do not cover the question, or null when they do. A question a term matches is covered;
    /// one that names something no source mentions is not, whatever else it matches.</summary>
    private static string? CoverageGap(IndexView view, AnalyzedQuestion q, IReadOnlyList<Evidence> evidence, IReadOnlyList<Passage> passages, bool termMatched, double bestTerm, bool namesParty)
    {
        var knowledge = view.Knowledge;
        var own = q.Terms.Where(t => !knowledge.Lexicon.MetaTerms.Contains(t.Stem)).ToList();
        if (own.Count == 0 && q.ContextTerms.Count == 0)
            return "the question names no topic the sources discuss";
        var unknown = own.Where(t => t.IsEntity && !knowledge.Matcher.KnownInCorpus(t) && !knowledge.IsKnownName(t.Surface)).Select(t => t.Surface).ToList();
        // A name no source uses (Apple, xAI, Siri) puts the question outside the sources, unless the question also names a
        // party of the sources and a term matches it strongly ("Microsoft's Copilot revenue share").
        if (unknown.Count > 0 && (!namesParty || bestTerm < knowledge.Settings.MinTermScore + knowledge.Settings.StrongMatch))
            return $"no source mentions {string.Join(", ", unknown.Distinct())}";
        if (termMatched)
            return null;
        var entities = own.Where(t => t.IsEntity).ToList();
        if (entities.Count >= 2 && !passages.Select(p => p.Document.Id).Distinct().Any(doc => Mentions(view, doc, entities)))
            return $"no source discusses {string.Join(" and ", entities.Select(e => e.Surface))} together";
        if (evidence.Count == 0 || evidence.Max(e => e.Relevance) < knowledge.Settings.MinPassageCoverage)
            return "the sources do not discuss this";
        return null;
    }

    /// <summary>What the ledger's reading shows the sources cannot cover, or null: an event in a year no source reaches
    /// ("the 2027 merger"), words for a subject no source uses ("merger", "convert"), or parties no term or source
    /// puts together ("Google's partnership with Anthropic").</summary>
    private static string? OutOfReach(IndexView view, LedgerReading ledger, string question)
    {
        var claim = ledger.Claim;
        var knowledge = view.Knowledge;
        if (knowledge.Lexicon.Cue("off_topic_requests").Any(Core.Terms.Words(question).ToList()))
            return "it asks for something other than what the sources say";
        var newest = view.Index.Documents.Select(d => d.Info.Date.Year).DefaultIfEmpty(0).Max();
        // A year is in reach when a term gives it as a figure ("through 2032").
        var figures = view.Knowledge.LedgerYears;
        var future = YearPattern().Matches(claim.Normalized).Select(m => m.Value)
            .FirstOrDefault(y => int.Parse(y, System.Globalization.CultureInfo.InvariantCulture) > Math.Max(newest, ledger.Day.Year) && !figures.Contains(y));
        if (future is not null)
            return $"no source speaks of anything in {future}";
        var unknown = knowledge.UnknownWords(claim.Normalized);
        var best = ledger.Matches.Count == 0 ? 0 : ledger.Matches[0].Score;
        if (unknown.Count >= 3 || (unknown.Count == 2 && best < knowledge.Settings.MinTermScore + knowledge.Settings.StrongMatch))
            return $"no source mentions {string.Join(" or ", unknown.Select(u => $"\"{u}\""))}";
        var named = claim.Parties.Where(p => p is not ("openai" or "microsoft")).ToList();
        if (named.Count >= 2 && !view.Index.Ledger.Terms.Any(t => named.All(n => t.Parties.Contains(n) || t.Platforms.Any(l => knowledge.OwnerOf(l) == n))))
        {
            var names = named.Select(n => knowledge.Lexicon.Entities.First(e => e.Id == n).Names[0]).ToList();
            // Which parties each document names was counted at ingest.
            if (!view.Index.Statistics.Mentions.Values.Any(parties => named.All(parties.Contains)))
                return $"no source discusses {string.Join(" and ", names)} together";
        }
        return null;
    }


    [System.Text.RegularExpressions.GeneratedRegex(@"\b(?:19|20)\d{2}\b")]
    private static partial System.Text.RegularExpressions.Regex YearPattern();

    private static bool Mentions(IndexView view, string docId, IReadOnlyList<QueryTerm> entities)
    {
        var text = new StemmedText(string.Join('\n', view.Index.ChunksOf(docId).Select(c => c.Text)));
        return entities.All(e => view.Knowledge.Matcher.Matches(e, text));
    }
}
