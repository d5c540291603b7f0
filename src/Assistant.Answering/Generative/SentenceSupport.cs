using System.Globalization;
using System.Numerics.Tensors;
using System.Text.RegularExpressions;
using Assistant.Answering.Ledger;
using Assistant.Core;
using Microsoft.Extensions.AI;

namespace Assistant.Answering.Generative;

/// <summary>Why a sentence the model wrote was not shown (the <c>reason</c> of <see cref="DroppedSentence"/>).</summary>
public static class DropReasons
{
    public const string CitesNothing = "cites_nothing";
    public const string MissingSource = "missing_source";
    public const string UnsupportedName = "unsupported_name";
    public const string UnsupportedFigure = "unsupported_figure";
    public const string UnsupportedDate = "unsupported_date";
    public const string FarFromQuote = "far_from_quote";
    public const string ContradictsTerms = "contradicts_terms";
    public const string ModelCheck = "model_check";
}

/// <summary>Whether one sentence stands on the sources it cites: the reason it does not (null when it does), how close it
/// is to them, and per cited source the sentence that supports it best (its quote).</summary>
public sealed record SupportResult(string? Reason, string? Detail, double Coverage, double Similarity, IReadOnlyDictionary<Passage, string> Quotes)
{
    public bool Supported => Reason is null;
}

/// <summary>Checks a sentence against the passages it cites.</summary>
public interface ISentenceSupport
{
    Task<SupportResult> CheckAsync(string sentence, IReadOnlyList<Passage> cited, CancellationToken ct = default);
}

/// <summary>Checks a generated sentence against the sources it cites, without a model: every name, figure and date it
/// gives occurs in them; its words and meaning are close to a sentence of them; and, read as a claim, it does not say the
/// opposite of a matched term's state on the day asked. The question's words count for nothing: only the cited sources do.</summary>
/// <remarks>Thresholds are <see cref="AnsweringSettings.SupportMinCoverage"/> and <see cref="AnsweringSettings.SupportMinSimilarity"/>,
/// calibrated on the labelled sentences of tests/Assistant.Tests/Verifier/sentences.jsonl (<c>assistant eval-verifier</c>).</remarks>
public sealed partial class SentenceSupport(AnswerKnowledge knowledge, IEmbeddingGenerator<string, Embedding<float>> embedder, DateOnly day) : ISentenceSupport
{
    /// <summary>Source sentences compared by meaning with a generated one: those that share most words with it.</summary>
    private const int Candidates = 3;

    private readonly AnsweringSettings _settings = knowledge.Settings;

    public async Task<SupportResult> CheckAsync(string sentence, IReadOnlyList<Passage> cited, CancellationToken ct = default)
    {
        var text = knowledge.Claims.Normalize(sentence);
        var allowed = Allowed(cited);
        var quotes = BestQuotes(text, cited);
        if (UnsupportedName(text, allowed) is { } name)
            return Fail(DropReasons.UnsupportedName, $"names {name}, which the cited source{Plural(cited)} {Do(cited)} not", quotes);
        if (UnsupportedDate(text, allowed) is { } date)
            return Fail(DropReasons.UnsupportedDate, $"gives the date {date}, which the cited source{Plural(cited)} {Do(cited)} not", quotes);
        if (UnsupportedFigure(text, allowed) is { } figure)
            return Fail(DropReasons.UnsupportedFigure, $"gives {figure}, which the cited source{Plural(cited)} {Do(cited)} not", quotes);
        var coverage = Coverage(text, allowed);
        var candidates = Candidates_(text, cited);
        var vectors = await embedder.GenerateAsync([text, .. candidates.Select(c => c.Text)], cancellationToken: ct).ConfigureAwait(false);
        var similarity = candidates.Count == 0 ? 0 : Enumerable.Range(1, candidates.Count).Max(i => (double)TensorPrimitives.CosineSimilarity(vectors[0].Vector.Span, vectors[i].Vector.Span));
        if (coverage < _settings.SupportMinCoverage || similarity < _settings.SupportMinSimilarity)
        {
            return new SupportResult(DropReasons.FarFromQuote,
                $"too far from what the cited source{Plural(cited)} say{(cited.Count == 1 ? "s" : "")} (words {coverage:0.00}, meaning {similarity:0.00})", coverage, similarity, quotes);
        }
        if (await Contradiction(text, vectors[0].Vector, cited.Select(p => p.Document.Id).ToHashSet(StringComparer.Ordinal), ct).ConfigureAwait(false) is { } contradiction)
            return new SupportResult(DropReasons.ContradictsTerms, contradiction, coverage, similarity, quotes);
        return new SupportResult(null, null, coverage, similarity, quotes);

        SupportResult Fail(string reason, string detail, IReadOnlyDictionary<Passage, string> q) => new(reason, detail, 0, 0, q);
    }

    private static string Plural(IReadOnlyList<Passage> cited) => cited.Count == 1 ? "" : "s";

    private static string Do(IReadOnlyList<Passage> cited) => cited.Count == 1 ? "does" : "do";

    /// <summary>What the model was shown of the cited sources: their text, titles, sections and dates.</summary>
    private sealed record AllowedText(string Text, HashSet<string> Words, HashSet<string> Initials, HashSet<string> Stems, HashSet<string> Entities, List<Figure> Figures, HashSet<string> Numbers, HashSet<string> Months, HashSet<string> Years, List<DateOnly> Dated);

    private AllowedText Allowed(IReadOnlyList<Passage> cited)
    {
        var text = string.Join("\n", cited.Select(p => $"{p.Document.Title}\n{p.Chunk.Section}\n{p.Chunk.Text}"));
        var normalized = knowledge.Claims.Normalize(text);
        var words = Terms.Words(normalized).ToHashSet(StringComparer.Ordinal);
        var stems = Terms.Content(normalized).ToHashSet(StringComparer.Ordinal);
        var entities = knowledge.Claims.Named(normalized).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var owner in entities.Select(knowledge.OwnerOf).OfType<string>().ToList())
            entities.Add(owner);
        var numbers = Numbers(normalized).ToHashSet(StringComparer.Ordinal);
        var months = MonthNames(text).ToHashSet(StringComparer.Ordinal);
        var years = Years(text).ToHashSet(StringComparer.Ordinal);
        foreach (var d in cited.Select(p => p.Document.Date))
        {
            // The model sees each source's date beside its number, so the date counts as what the source says.
            months.Add(CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(d.Month));
            numbers.Add(d.Day.ToString(CultureInfo.InvariantCulture));
        }
        return new AllowedText(normalized, words, Initials(text), stems, entities, [.. ClaimReader.Figures(normalized)], numbers, months, years,
            [.. cited.Select(p => p.Document.Date).Distinct()]);
    }

    /// <summary>The initials of runs of capitalised words ("United States" → "us", "Oracle Cloud Infrastructure" → "oci"):
    /// an acronym of a name the sources write out is a name they give.</summary>
    private static HashSet<string> Initials(string text)
    {
        var initials = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match run in CapitalisedRun().Matches(text))
        {
            var words = run.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => char.IsUpper(w[0])).ToList();
            for (var i = 0; i < words.Count; i++)
            {
                for (var j = i + 2; j <= words.Count; j++)
                    initials.Add(string.Concat(words.Skip(i).Take(j - i).Select(w => char.ToLowerInvariant(w[0]))));
            }
        }
        return initials;
    }

    [GeneratedRegex(@"\b[A-Z][\w-]*(?:\s+(?:of\s+|and\s+|for\s+)?[A-Z][\w-]*)+")]
    private static partial Regex CapitalisedRun();

    /// <summary>A party, cloud, person, product or place the sentence names and the sources do not, or null. A cloud counts
    /// as named by its owner and the reverse ("Google" for "Google Cloud").</summary>
    private string? UnsupportedName(string text, AllowedText allowed)
    {
        var named = knowledge.Claims.Named(text).ToList();
        foreach (var e in named)
        {
            var owned = knowledge.Lexicon.Entities.Where(x => x.Owner == e.Id).Select(x => x.Id);
            if (!allowed.Entities.Contains(e.Id) && !(e.Owner is { } o && allowed.Entities.Contains(o)) && !owned.Any(allowed.Entities.Contains))
                return e.Names[0];
        }
        var entityWords = named.SelectMany(e => e.Names).SelectMany(Terms.Words).ToHashSet(StringComparer.Ordinal);
        // Capitalised words that are not a known entity's: people, products, places, bodies ("Sundar Pichai", "Vertex").
        return Terms.NameWords(text)
            .Where(w => !entityWords.Contains(w) && !allowed.Words.Contains(w) && !Months.Contains(w) && !w.All(char.IsDigit) && !allowed.Initials.Contains(w))
            .Select(w => Surface(text, w))
            .FirstOrDefault();
    }

    /// <summary>A month or year the sentence gives and the sources do not, or null. A source's own date counts when the
    /// sentence dates an event by it ("In November 2025, …", "on 3 November 2025"), not as any year the sentence mentions.</summary>
    private static string? UnsupportedDate(string text, AllowedText allowed) =>
        MonthNames(text).FirstOrDefault(m => !allowed.Months.Contains(m))
        ?? Years(text).FirstOrDefault(y => !allowed.Years.Contains(y) && !allowed.Dated.Any(d => DatedBy(text, d, y)));

    private static bool DatedBy(string text, DateOnly d, string year) =>
        d.Year.ToString(CultureInfo.InvariantCulture) == year
        && (text.Contains($"{CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(d.Month)} {year}", StringComparison.Ordinal)
            || text.StartsWith($"In {year}", StringComparison.Ordinal));

    /// <summary>An amount, percentage or count the sentence gives and the sources do not, or null; a figure within rounding
    /// of one the sources give counts ("roughly a third" for 32.5 %).</summary>
    private static string? UnsupportedFigure(string text, AllowedText allowed)
    {
        var figures = ClaimReader.Figures(text);
        foreach (var f in figures)
        {
            if (!allowed.Figures.Any(f.Agrees) && !allowed.Numbers.Contains(Plain(f.Value)))
                return f.Text;
        }
        var covered = figures.Select(f => Plain(f.Value)).ToHashSet(StringComparer.Ordinal);
        foreach (var n in Numbers(text).Where(n => !YearPattern().IsMatch(n)))
        {
            if (!allowed.Numbers.Contains(n) && !covered.Contains(n) && !allowed.Figures.Any(f => Plain(f.Value) == n))
                return n;
        }
        // "seven years", "two gigawatts": a number word counts as a figure when a unit follows it (not "the two companies").
        var words = Terms.Words(text).ToList();
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (NumberWords.FirstOrDefault(n => n.Word == words[i]) is { Word: not null } n && Units.Contains(words[i + 1])
                && !allowed.Words.Contains(n.Word) && !allowed.Numbers.Contains(n.Digits))
                return $"{n.Word} {words[i + 1]}";
        }
        return null;
    }

    private static string Plain(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>The share of the sentence's content words the cited sources use, synonyms counted.</summary>
    private double Coverage(string text, AllowedText allowed)
    {
        var stems = Terms.Content(text).Where(s => !s.Any(char.IsDigit) && !Connectives.Contains(s)).Distinct().ToList();
        if (stems.Count == 0)
            return 1;
        var lexicon = knowledge.Lexicon;
        var found = stems.Count(s => allowed.Stems.Contains(s) || lexicon.SynonymsOf(s).Any(syn => syn.Split(' ').All(allowed.Stems.Contains))
            || (s == "percent" && allowed.Text.Contains('%', StringComparison.Ordinal)));
        return (double)found / stems.Count;
    }

    /// <summary>The source sentences sharing most content words with the sentence, for the meaning comparison.</summary>
    private static List<(Passage Passage, string Text)> Candidates_(string text, IReadOnlyList<Passage> cited)
    {
        var terms = Terms.Content(text).ToHashSet(StringComparer.Ordinal);
        return cited.SelectMany(p => p.Chunk.Sentences.Select(s => (Passage: p, Text: p.Chunk.SentenceText(s).Trim())))
            .Where(s => s.Text.Length > 0)
            .OrderByDescending(s => Overlap(terms, s.Text))
            .Take(Candidates)
            .ToList();
    }

    private static double Overlap(HashSet<string> terms, string sentence)
    {
        var other = Terms.Content(sentence).ToList();
        return other.Distinct().Count(terms.Contains) / Math.Sqrt(1 + other.Count);
    }

    /// <summary>Per cited source, its sentence closest in words to the generated one: the quote a citation shows.</summary>
    private static Dictionary<Passage, string> BestQuotes(string text, IReadOnlyList<Passage> cited)
    {
        var terms = Terms.Content(text).ToHashSet(StringComparer.Ordinal);
        var quotes = new Dictionary<Passage, string>();
        foreach (var p in cited)
        {
            var best = p.Chunk.Sentences.Select(s => p.Chunk.SentenceText(s).Trim()).Where(s => s.Length > 0).MaxBy(s => Overlap(terms, s));
            quotes[p] = best ?? p.Chunk.Text.Trim();
        }
        return quotes;
    }

    /// <summary>Why the sentence, read as a claim on the day asked, says the opposite of what the matched terms hold, or null.
    /// A sentence in the past tense ("Azure was exclusive until…") is only wrong when the term never held.</summary>
    /// <remarks>Only terms that quote one of the cited documents count (the sentence is about what those sources say), only
    /// terms that say what the clause speaks of (at most <see cref="AnsweringSettings.MaxUncoveredShare"/> of its weight
    /// elsewhere), and a figure counts against a term only when the clause gives one figure (with several, which figure is
    /// about which term cannot be told). A clause that reports what someone said ("the FT reported that…") is not read.</remarks>
    private async Task<string?> Contradiction(string text, ReadOnlyMemory<float> vector, IReadOnlySet<string> citedDocs, CancellationToken ct)
    {
        // Each clause is read on its own: "X, but Y does not…" asserts X and denies Y, and neither reading may be mixed into the other.
        var clauses = ClaimReader.Clauses(text).Where(c => Terms.Content(c).Count() >= 2).ToList();
        foreach (var clause in clauses.Count == 0 ? [text] : clauses)
        {
            if (Attribution().IsMatch(clause))
                continue;
            var own = clauses.Count <= 1 ? vector : (await embedder.GenerateAsync([clause], cancellationToken: ct).ConfigureAwait(false))[0].Vector;
            var reading = await knowledge.LedgerReader.ReadAsync(new ResolvedQuestion(clause), QuestionForm.Claim, day, _ => Task.FromResult(own)).ConfigureAwait(false);
            if (reading.Findings.Count == 0 || reading.Matches[0].Score < _settings.MinTermScore + _settings.SupportTermMargin)
                continue;
            var claim = reading.Claim;
            var findings = reading.Findings
                .Where(f => f.Term.States.Any(s => s.Sources.Any(x => citedDocs.Contains(x.Doc))))
                .Where(f => knowledge.Ledger.Uncovered(claim, f.Term).Share <= _settings.MaxUncoveredShare)
                .Where(f => f.RightFigures.Count == 0 || claim.Figures.Count == 1)
                .ToList();
            if (findings.Count == 0)
                continue;
            var verdict = knowledge.LedgerComposer.Decide(claim, findings);
            if (verdict.Verdict == Verdicts.Contradicted || (verdict.Verdict == Verdicts.Outdated && !Past(clause)))
            {
                var f = verdict.Deciding[0];
                return $"read on {Dates.Iso(reading.Day)}, the term \"{f.Term.Statement}\" says otherwise ({f.Reason})";
            }
        }
        return null;
    }

    // "X reported that…", "according to X", "X said…": the clause gives what someone said, which the sources may report.
    [GeneratedRegex(@"\b(?:reported|reports|said|says|argued|argues|claimed|claims|wrote|writes|told|stated|according\s+to)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Attribution();


    /// <summary>The sentence speaks of the past: a past auxiliary, or a period that ended ("until April 2026").</summary>
    private bool Past(string text)
    {
        var words = Terms.Words(text).ToList();
        return words.Any(w => w is "was" or "were" or "had" or "did" or "used" or "wasnt" or "werent" or "hadnt" or "didnt" or "formerly" or "previously" or "earlier")
            || (ClaimReader.PeriodOf(text) is { } period && period.To < day);
    }

    private static readonly HashSet<string> Months = new(CultureInfo.InvariantCulture.DateTimeFormat.MonthNames.Where(m => m.Length > 0).Select(m => m.ToLowerInvariant()), StringComparer.Ordinal);

    private static readonly (string Word, string Digits)[] NumberWords =
    [
        ("two", "2"), ("three", "3"), ("four", "4"), ("five", "5"), ("six", "6"), ("seven", "7"), ("eight", "8"), ("nine", "9"), ("ten", "10"),
        ("eleven", "11"), ("twelve", "12"), ("twenty", "20"), ("hundred", "100"),
    ];

    /// <summary>Words that join, hedge or order what a sentence says rather than say it ("although", "roughly", "jointly"):
    /// a faithful rewording adds them freely, so they do not count for or against its closeness.</summary>
    private static readonly HashSet<string> Connectives = new(new[]
    {
        "although", "though", "but", "since", "even", "still", "roughly", "around", "approximately", "nearly", "almost", "basically", "namely",
        "besides", "except", "whereas", "alongside", "jointly", "together", "strictly", "simply", "now", "already", "yet", "however", "while",
        "because", "therefore", "thus", "meanwhile", "apiece", "respectively", "currently", "today", "also", "just", "merely", "instead",
    }.Select(Terms.Stem), StringComparer.Ordinal);

    private static readonly HashSet<string> Units = new(StringComparer.Ordinal)
    {
        "billion", "million", "trillion", "percent", "years", "year", "months", "gigawatts", "gw",
    };

    /// <summary>Month names written as names ("27 May 2026"; not the verb "may").</summary>
    private static IEnumerable<string> MonthNames(string text) =>
        MonthPattern().Matches(text).Select(m => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(MonthNumber(m.Value)));

    private static int MonthNumber(string name) =>
        Array.FindIndex(CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames, a => a.Length > 0 && name.StartsWith(a, StringComparison.Ordinal)) + 1;

    private static IEnumerable<string> Years(string text) => YearPattern().Matches(text).Select(m => m.Value);

    /// <summary>Numbers written as numbers, without thousands separators; not those inside a name ("GPT-5.5", "Trainium3").</summary>
    private static IEnumerable<string> Numbers(string text) =>
        NumberPattern().Matches(text).Select(m => m.Groups[1].Value.Replace(",", "", StringComparison.Ordinal)).Select(n => n.Contains('.', StringComparison.Ordinal) ? n.TrimEnd('0').TrimEnd('.') : n);

    private static string Surface(string text, string folded) =>
        Regex.Match(text, $@"\b{Regex.Escape(folded)}\w*", RegexOptions.IgnoreCase) is { Success: true } m ? m.Value : folded;

    [GeneratedRegex(@"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b(?=\.?\s*(?:\d|,|of\b|$|\.|\s))")]
    private static partial Regex MonthPattern();

    [GeneratedRegex(@"\b(?:19|20)\d{2}\b")]
    private static partial Regex YearPattern();

    [GeneratedRegex(@"(?<![\w.\-])(\d[\d,]*(?:\.\d+)?)(?=%|\s|$|[.,;:)]|bn\b|b\b|m\b|gw\b|GW\b|st\b|nd\b|rd\b|th\b|s\b)")]
    private static partial Regex NumberPattern();
}
