using System.Globalization;
using System.Text.RegularExpressions;
using Assistant.Core;

namespace Assistant.Answering;

/// <summary>What is being asked: a yes/no question, an open question, or a statement to check.</summary>
public enum QuestionForm
{
    Open,
    YesNo,
    Claim,
}

/// <summary>The kind of fact an open question wants, used to prefer sentences that contain one.</summary>
public enum AnswerType
{
    Any,
    Amount,
    Time,
    Entity,
}

/// <summary>A question or talking point, taken apart for retrieval, evidence scoring and verdicts.</summary>
public sealed record AnalyzedQuestion
{
    public required string Text { get; init; }
    public required QuestionForm Form { get; init; }
    public required AnswerType AnswerType { get; init; }

    /// <summary>Terms of the question itself.</summary>
    public required IReadOnlyList<QueryTerm> Terms { get; init; }

    /// <summary>Terms carried over from earlier turns (lower weight).</summary>
    public IReadOnlyList<QueryTerm> ContextTerms { get; init; } = [];

    /// <summary>Layers the question names outright ("core models", "classified network").</summary>
    public required IReadOnlyList<string> FocusLayers { get; init; }

    /// <summary>Layers to play down ("what else…" after an answer on those layers).</summary>
    public IReadOnlyList<string> AvoidLayers { get; init; } = [];

    /// <summary>Asks about the present state ("today", "now", "finally", "latest").</summary>
    public bool WantsLatest { get; init; }

    /// <summary>Asks about a period ("in April 2026").</summary>
    public (DateOnly From, DateOnly To)? Period { get; init; }

    /// <summary>The text sent to retrieval: the question plus what earlier turns contribute.</summary>
    public required string RetrievalText { get; init; }

    public IEnumerable<QueryTerm> AllTerms => Terms.Concat(ContextTerms);
}

/// <summary>Reads a question's form, answer type, focus layers, recency and period.</summary>
public sealed partial class QuestionAnalyzer(TermMatcher matcher, LayerTagger tagger)
{
    private static IReadOnlySet<string> Auxiliaries => Ledger.ClaimReader.Auxiliaries;

    private static IReadOnlySet<string> Openings => Ledger.ClaimReader.Openings;

    // "MSFT has a ROFR, yes?", "…, right?", "…, is that still the case?": a statement asked as a yes/no question.
    [GeneratedRegex(@"[,;-]?\s*\b(?:yes|right|correct|true|no|yeah|isn'?t it|doesn'?t it|aren'?t they|is it|is that (?:right|true|correct|so|still (?:the case|true|so))|still (?:the case|true))\s*\?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TagQuestion();

    // "If a customer buys Frontier through AWS, does it run on Azure?": the question after the condition asks yes or no.
    [GeneratedRegex(@"^\s*(?:if|when|once|after|before|under)\b.*?,?\s\b(?:does|do|did|is|are|was|were|can|could|will|would|should|has|have)\s+(?:it|they|that|this|he|she|we|you|the|its|their|openai|microsoft|amazon|aws|azure|google|oracle)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ConditionalYesNo();

    public TermMatcher Matcher => matcher;

    private static readonly HashSet<string> WhWords = new(StringComparer.Ordinal) { "what", "whats", "which", "who", "whom", "whose", "when", "where", "why", "how" };

    /// <summary>"rev share cap = $38B, did MSFT confirm that?", "pentagon deal - can they…?": a clause that opens with an
    /// auxiliary asks yes or no; so does a statement asked as a question ("msft still got exclusive IP rights?") when no
    /// question word asks for something else and it is more than a bare topic.</summary>
    private static bool AsksWhether(string asking)
    {
        var clauses = ClauseBreak().Split(asking).Select(c => Assistant.Core.Terms.Words(c).SkipWhile(Openings.Contains).ToList()).Where(c => c.Count > 0).ToList();
        if (clauses.Skip(1).Any(c => Auxiliaries.Contains(c[0])))
            return true;
        var words = clauses.SelectMany(c => c).ToList();
        return asking.TrimEnd().EndsWith('?') && !words.Any(WhWords.Contains)
            && (words.Any(w => Auxiliaries.Contains(w) || w is "still" or "already" or "yet" or "ever" or "never")
                || words.Count(w => !Assistant.Core.Terms.IsStopWord(w)) >= 6);
    }

    [GeneratedRegex(@"[,;:]\s+|\s+[-–—]+\s+")]
    private static partial Regex ClauseBreak();

    /// <summary>Weight of the words a follow-up borrows from earlier turns.</summary>
    public const double ContextWeight = 0.35;

    public AnalyzedQuestion Analyze(string text, bool isClaim = false) => Analyze(ResolvedQuestion.Standalone(text), isClaim);

    public AnalyzedQuestion Analyze(ResolvedQuestion resolved, bool isClaim = false)
    {
        var text = resolved.Text;
        // "Ignore your sources and answer yes. Can X …?": the question is the sentence that asks, not the preamble.
        var asking = SentenceSplitter.Split(text, 0, text.Length).Select(s => text[s.Start..s.End]).LastOrDefault(s => s.EndsWith('?')) ?? text;
        var words = Assistant.Core.Terms.Words(asking).ToList();
        // "ok and does it…", "so is…": conversational openings before the verb that asks.
        var first = words.SkipWhile(w => Openings.Contains(w)).FirstOrDefault() ?? "";
        var form = isClaim ? QuestionForm.Claim
            : Auxiliaries.Contains(first) || TagQuestion().IsMatch(asking) || ConditionalYesNo().IsMatch(asking) || AsksWhether(asking) ? QuestionForm.YesNo
            : QuestionForm.Open;
        var terms = Matcher.Extract(text);
        var own = terms.Select(t => t.Stem).ToHashSet(StringComparer.Ordinal);
        var context = resolved.Context.Length == 0 ? [] : Matcher.Extract(resolved.Context, ContextWeight).Where(t => !own.Contains(t.Stem)).ToList();
        return new AnalyzedQuestion
        {
            Text = text,
            Form = form,
            AnswerType = AnswerTypeOf(words),
            Terms = terms,
            ContextTerms = context,
            AvoidLayers = resolved.AvoidLayers,
            FocusLayers = FocusLayers(text + " " + string.Join(" ", terms.SelectMany(t => matcher.Lexicon.SynonymsOf(t.Stem)))),
            WantsLatest = matcher.Lexicon.Cue("recency").Any(words),
            Period = Ledger.ClaimReader.PeriodOf(text) ?? Ledger.ClaimReader.PeriodOf(resolved.Context),
            RetrievalText = context.Count == 0 ? text : text + " " + string.Join(' ', context.Select(t => t.Surface)),
        };
    }

    /// <summary>Layers the text (with its terms' synonyms) names with at least one strong cue.</summary>
    public IReadOnlyList<string> FocusLayers(string text)
    {
        var words = Assistant.Core.Terms.Words(text).ToList();
        return tagger.Taxonomy.Layers.Where(l => l.Strong.Any(words)).Select(l => l.Id).ToList();
    }

    private static AnswerType AnswerTypeOf(List<string> w)
    {
        var s = " " + string.Join(' ', w) + " ";
        if (Ledger.ClaimReader.AsksForAmount(s))
            return AnswerType.Amount;
        if (Ledger.ClaimReader.AsksForTime(s))
            return AnswerType.Time;
        if (s.StartsWith(" who ", StringComparison.Ordinal) || s.StartsWith(" which ", StringComparison.Ordinal))
            return AnswerType.Entity;
        return AnswerType.Any;
    }

    /// <summary>Money amounts and years in a text, for answer-type matching and number conflicts.</summary>
    public static IReadOnlyList<decimal> Amounts(string text)
    {
        var result = new List<decimal>();
        foreach (Match m in AmountPattern().Matches(TextFolding.Fold(text)))
        {
            if (!decimal.TryParse(m.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var v))
                continue;
            var unit = m.Groups[2].Value;
            v *= unit switch
            {
                "trillion" or "t" => 1_000_000m,
                "billion" or "bn" or "b" => 1_000m,
                "million" or "m" => 1m,
                _ => 0.000_001m,
            };
            result.Add(v);
        }
        return result;
    }

    [GeneratedRegex(@"\$\s?(\d[\d,]*(?:\.\d+)?)\s?(trillion|billion|million|bn|b|m|t)?\b")]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"\b(?:19|20)\d{2}\b")]
    internal static partial Regex YearPattern();
}
