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
/// calibrated on the labelled sentences of tests/Assistant.Tests/Verifier/sentences.jsonl (<c>assistant eval-verifier</c>).
/// One instance checks the sentences of one answer, one at a time (what it derives from the sources is kept between them).</remarks>
public sealed partial class SentenceSupport(AnswerKnowledge knowledge, IEmbeddingGenerator<string, Embedding<float>> embedder, DateOnly day) : ISentenceSupport
{
    /// <summary>Source sentences compared by meaning with a generated one: those that share most words with it.</summary>
    private const int Candidates = 3;

    private readonly AnsweringSettings _settings = knowledge.Settings;
    private readonly Dictionary<string, AllowedText> _allowed = new(StringComparer.Ordinal);

    public async Task<SupportResult> CheckAsync(string sentence, IReadOnlyList<Passage> cited, CancellationToken ct = default)
    {
        var text = knowledge.Claims.Normalize(sentence);
        var key = string.Join('|', cited.Select(p => $"{p.Chunk.DocId}#{p.Chunk.Ordinal}"));
        if (!_allowed.TryGetValue(key, out var allowed))
            _allowed[key] = allowed = Allowed(cited);
        var sentences = Scored(text, cited);
        var quotes = cited.Distinct().ToDictionary(p => p, p => sentences.Where(x => x.Passage == p).MaxBy(x => x.Overlap).Text ?? p.Chunk.Text.Trim());
        if (UnsupportedName(text, allowed) is { } name)
            return Fail(DropReasons.UnsupportedName, $"names {name}, which the cited source{Plural(cited)} {Do(cited)} not", quotes);
        if (UnsupportedDate(text, allowed) is { } date)
            return Fail(DropReasons.UnsupportedDate, $"gives the date {date}, which the cited source{Plural(cited)} {Do(cited)} not", quotes);
        if (UnsupportedFigure(text, allowed) is { } figure)
            return Fail(DropReasons.UnsupportedFigure, $"gives {figure}, which the cited source{Plural(cited)} {Do(cited)} not", quotes);
        var coverage = Coverage(text, allowed);
        var candidates = sentences.OrderByDescending(x => x.Overlap).Take(Candidates).ToList();
        // A sentence may join two source sentences ("…, and the reports since then conflict"): the two closest in words
        // together are compared as well.
        var pair = candidates.Count >= 2 ? $"{candidates[0].Text} {candidates[1].Text}" : null;
        var texts = candidates.Select(c => c.Text).Append(pair).OfType<string>().ToList();
        // Source sentences are embedded once per index version (AnswerKnowledge keeps them): answers cite the same ones.
        var known = knowledge.SentenceVectors;
        var missing = texts.Where(t => !known.ContainsKey(t)).Distinct().ToList();
        var vectors = await embedder.GenerateAsync([text, .. missing], cancellationToken: ct).ConfigureAwait(false);
        var own = missing.Select((t, i) => (t, vectors[i + 1].Vector)).ToDictionary(x => x.t, x => x.Vector, StringComparer.Ordinal);
        if (known.Count < AnswerKnowledge.MaxSentenceVectors)
        {
            foreach (var (t, v) in own)
                known.TryAdd(t, v);
        }
        ReadOnlyMemory<float> VectorOf(string t) => own.TryGetValue(t, out var v) ? v : known[t];
        double SimilarityTo(string t) => TensorPrimitives.CosineSimilarity(vectors[0].Vector.Span, VectorOf(t).Span);
        var scored = candidates.Select(c => (c.Passage, c.Text, Similarity: SimilarityTo(c.Text))).ToList();
        var similarity = texts.Count == 0 ? 0 : texts.Max(SimilarityTo);
        if (coverage < _settings.SupportMinCoverage || similarity < _settings.SupportMinSimilarity)
        {
            return new SupportResult(DropReasons.FarFromQuote,
                $"too far from what the cited source{Plural(cited)} say{(cited.Count == 1 ? "s" : "")} (words {coverage:0.00}, meaning {similarity:0.00})", coverage, similarity, quotes);
        }
        var closest = scored.MaxBy(c => c.Similarity);
        if (((closest.Text is null ? null : Swapped(text, closest.Text)) ?? SwappedInClause(text, cited)) is { } swap)
            return new SupportResult(DropReasons.UnsupportedName, swap, coverage, similarity, quotes);
        if (await Contradiction(text, vectors[0].Vector, cited.Select(p => p.Document.Id).ToHashSet(StringComparer.Ordinal),
            closest.Text is null ? null : (closest.Passage, closest.Text, VectorOf(closest.Text)), ct).ConfigureAwait(false) is { } contradiction)
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
            .Where(w => !entityWords.Contains(w) && !allowed.Words.Contains(w) && !allowed.Stems.Contains(Terms.Stem(w)) && !Months.Contains(w) && !w.All(char.IsDigit)
                && !allowed.Initials.Contains(w))
            .Select(w => Surface(text, w))
            .FirstOrDefault();
    }

    /// <summary>A party swapped for another: the sentence names one the source sentence closest to it does not, and that
    /// sentence names one the sentence leaves out ("The equity funders are SoftBank, OpenAI, Oracle and Microsoft" against
    /// "…Oracle and MGX", where the passage names Microsoft elsewhere, in another role). A cloud and its owner count as one.</summary>
    private string? Swapped(string text, string closest)
    {
        var mine = NamesIn(text);
        var theirs = NamesIn(knowledge.Claims.Normalize(closest));
        var added = mine.Keys.Where(k => !theirs.ContainsKey(k)).ToList();
        var left = theirs.Keys.Where(k => !mine.ContainsKey(k)).ToList();
        return added.Count > 0 && left.Count > 0
            ? $"names {mine[added[0]]} where the closest sentence of its source names {theirs[left[0]]}"
            : null;
    }

    /// <summary>A party swapped in one clause: against the source sentence that has most of the clause's words ("…, and a
    /// person close to OpenAI said the company would sue" against "A person close to Microsoft said the company would sue…").</summary>
    private string? SwappedInClause(string text, IReadOnlyList<Passage> cited)
    {
        var sentences = cited.SelectMany(p => p.Chunk.Sentences.Select(p.Chunk.SentenceText)).Select(t => t.Trim()).Where(t => t.Length > 0).ToList();
        foreach (var clause in ClaimReader.Clauses(text).SelectMany(c => AnyAnd().Split(c)))
        {
            var words = Terms.Content(clause).ToHashSet(StringComparer.Ordinal);
            if (words.Count < 4)
                continue;
            var best = sentences.MaxBy(t => Terms.Content(t).Distinct().Count(words.Contains));
            if (best is not null && Terms.Content(best).Distinct().Count(words.Contains) >= 0.6 * words.Count && Swapped(clause, best) is { } swap)
                return swap;
        }
        return null;
    }

    // For comparing names clause by clause any ", and" ends one ("…, and a person close to OpenAI said…").
    [GeneratedRegex(@",\s+and\s+")]
    private static partial Regex AnyAnd();

    /// <summary>The parties named (a cloud as its owner), each with its name. Other name words are left to the name check:
    /// acronyms and word forms make them unreliable to compare.</summary>
    private Dictionary<string, string> NamesIn(string text)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in knowledge.Claims.Named(text))
            names.TryAdd(e.Owner ?? e.Id, e.Names[0]);
        return names;
    }

    /// <summary>A month or year the sentence gives and the sources do not, or null. A source's own date counts when the
    /// sentence dates an event by it ("In November 2025, …", "on 3 November 2025"), not as any year the sentence mentions.</summary>
    private static string? UnsupportedDate(string text, AllowedText allowed) =>
        MonthNames(text).FirstOrDefault(m => !allowed.Months.Contains(m))
        ?? Years(text).FirstOrDefault(y => !allowed.Years.Contains(y) && !allowed.Dated.Any(d => DatedBy(text, d, y)))
        ?? DayPattern().Matches(text).Select(m => m.Value).FirstOrDefault(m => !allowed.Text.Contains(m, StringComparison.Ordinal) && !allowed.Dated.Any(d => IsDay(m, d)));

    /// <summary>"27 April" or "April 27" names <paramref name="d"/>.</summary>
    private static bool IsDay(string match, DateOnly d) =>
        match.Contains(d.Day.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        && match.Contains(CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(d.Month), StringComparison.Ordinal);

    private const string MonthNamePattern = "January|February|March|April|May|June|July|August|September|October|November|December";

    [GeneratedRegex(@"\b(?<day>\d{1,2})\s+(?:" + MonthNamePattern + @")\b|\b(?:" + MonthNamePattern + @")\s+(?<day>\d{1,2})\b")]
    private static partial Regex DayPattern();

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
            if (!allowed.Figures.Any(a => Rounds(f, a, text)) && !allowed.Numbers.Contains(Plain(f.Value)))
                return f.Text;
        }
        var covered = figures.Select(f => Plain(f.Value)).ToHashSet(StringComparer.Ordinal);
        // Years and days of a date are the date check's.
        var days = DayPattern().Matches(text).Select(m => m.Groups["day"].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var n in Numbers(text).Where(n => !YearPattern().IsMatch(n) && !days.Contains(n)))
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

    /// <summary>The sentence's figure is the source's, written as precisely as the sentence writes it: "$850 billion" or
    /// "about $852 billion" for $852 billion, not "$840 billion"; at most 2.5 % off. A fraction ("a third") is read as the
    /// claim reading reads it (within 2.5 points).</summary>
    private static bool Rounds(Figure sentence, Figure source, string text)
    {
        if (sentence.Unit != source.Unit)
            return false;
        if (sentence.Unit == Figure.Year || Fractions().IsMatch(sentence.Text))
            return sentence.Agrees(source);
        var digits = Plain(sentence.Value);
        var decimals = digits.Contains('.', StringComparison.Ordinal) ? digits.Length - digits.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        var zeros = decimals > 0 ? 0 : digits.Length - digits.TrimEnd('0').Length;
        var half = 0.5m * (decimal)Math.Pow(10, zeros - decimals);
        return Math.Abs(sentence.Value - source.Value) <= Math.Min(half, 0.025m * Math.Abs(source.Value));
    }

    [GeneratedRegex(@"\b(?:third|half|quarter|fifth|tenth)s?\b", RegexOptions.IgnoreCase)]
    private static partial Regex Fractions();

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

    /// <summary>Every sentence of the cited passages with how many of the sentence's content words it shares (weighted
    /// against its length): the closest ones are compared by meaning, and each passage's closest is its quote.</summary>
    private static List<(Passage Passage, string Text, double Overlap)> Scored(string text, IReadOnlyList<Passage> cited)
    {
        var terms = Terms.Content(text).ToHashSet(StringComparer.Ordinal);
        return [.. cited.SelectMany(p => p.Chunk.Sentences.Select(s => p.Chunk.SentenceText(s).Trim()).Where(t => t.Length > 0).Select(t => (p, t, Overlap(terms, t))))];
    }

    private static double Overlap(HashSet<string> terms, string sentence)
    {
        var other = Terms.Content(sentence).ToList();
        return other.Distinct().Count(terms.Contains) / Math.Sqrt(1 + other.Count);
    }

    /// <summary>Why the sentence, read as a claim on the day asked, says the opposite of what the matched terms hold, or null.
    /// A sentence in the past tense ("Azure was exclusive until…") is only wrong when the term never held.</summary>
    /// <remarks>Only terms that quote one of the cited documents count (the sentence is about what those sources say), only
    /// terms that say what the clause speaks of (at most <see cref="AnsweringSettings.MaxUncoveredShare"/> of its weight
    /// elsewhere), and a figure counts against a term only when the clause gives one figure of its kind (with several, which
    /// figure is about which term cannot be told). A clause that reports what someone said ("the FT reported that…") is not read.</remarks>
    private async Task<string?> Contradiction(string text, ReadOnlyMemory<float> vector, IReadOnlySet<string> citedDocs,
        (Passage Passage, string Text, ReadOnlyMemory<float> Vector)? closest, CancellationToken ct)
    {
        // Each clause is read on its own: "X, but Y does not…" asserts X and denies Y, and neither reading may be mixed into the other.
        var clauses = ClaimReader.Clauses(text).SelectMany(c => Consequence().Split(c)).SelectMany(SharedSubject).Select(c => ContrastTail().Replace(c, ""))
            .Where(c => Terms.Content(c).Count() >= 2).DefaultIfEmpty(text).Where(c => !Attribution().IsMatch(c)).ToList();
        var vectors = await ClauseVectorsAsync(text, vector, clauses, ct).ConfigureAwait(false);
        foreach (var (clause, own) in vectors)
        {
            if (await Opposes(clause, own, day, citedDocs).ConfigureAwait(false) is not { } opposed)
                continue;
            // The closest source sentence, read the same way on its own date, must not oppose the same term: when the reading
            // says the source contradicts itself, the reading is wrong for this kind of sentence, not the sentence.
            if (closest is { } c && await SelfOpposed(c.Text, c.Vector, c.Passage.Document.Date, citedDocs, opposed.Term).ConfigureAwait(false))
                continue;
            return opposed.Reason;
        }
        return null;
    }

    private async Task<bool> SelfOpposed(string source, ReadOnlyMemory<float> vector, DateOnly on, IReadOnlySet<string> citedDocs, string term)
    {
        var clauses = ClaimReader.Clauses(source).Select(c => ContrastTail().Replace(c, "")).Where(c => Terms.Content(c).Count() >= 2).DefaultIfEmpty(source).ToList();
        foreach (var (clause, own) in await ClauseVectorsAsync(source, vector, clauses, CancellationToken.None).ConfigureAwait(false))
        {
            if ((await Opposes(clause, own, on, citedDocs).ConfigureAwait(false))?.Term == term)
                return true;
        }
        return false;
    }

    /// <summary>Each clause with its embedding, those not yet known in one call (the whole text's vector is known).</summary>
    private async Task<IReadOnlyList<(string Clause, ReadOnlyMemory<float> Vector)>> ClauseVectorsAsync(string text, ReadOnlyMemory<float> vector,
        IReadOnlyList<string> clauses, CancellationToken ct)
    {
        var parts = clauses.Where(c => c != text).Distinct().ToList();
        var embedded = parts.Count == 0 ? [] : await embedder.GenerateAsync(parts, cancellationToken: ct).ConfigureAwait(false);
        return [.. clauses.Select(c => (c, c == text ? vector : embedded[parts.IndexOf(c)].Vector))];
    }

    /// <summary>Which matched term <paramref name="clause"/>, read as a claim on <paramref name="on"/>, says the opposite of, and why; or null.</summary>
    private async Task<(string Term, string Reason)?> Opposes(string clause, ReadOnlyMemory<float> vector, DateOnly on, IReadOnlySet<string> citedDocs)
    {
        var reading = await knowledge.LedgerReader.ReadAsync(new ResolvedQuestion(clause), QuestionForm.Claim, on, _ => Task.FromResult(vector)).ConfigureAwait(false);
        if (reading.Findings.Count == 0 || reading.Matches[0].Score < _settings.MinTermScore + _settings.SupportTermMargin)
            return null;
        var claim = reading.Claim;
        // With two amounts of one kind ("$110 billion round, Amazon $50 billion") which figure is about which term cannot be told.
        var figuresClear = claim.Figures.GroupBy(f => f.Unit).All(g => g.Count() == 1);
        var findings = reading.Findings
            .Where(f => f.Term.States.Any(s => s.Sources.Any(x => citedDocs.Contains(x.Doc))))
            .Where(f => knowledge.Ledger.Uncovered(claim, f.Term).Share <= _settings.MaxUncoveredShare)
            .Where(f => f.RightFigures.Count == 0 || figuresClear)
            .ToList();
        if (findings.Count == 0)
            return null;
        var verdict = knowledge.LedgerComposer.Decide(claim, findings);
        if (verdict.Verdict != Verdicts.Contradicted && (verdict.Verdict != Verdicts.Outdated || Past(clause)))
            return null;
        var f = verdict.Deciding[0];
        return (f.Term.Id, $"read on {Dates.Iso(reading.Day)}, the term \"{f.Term.Statement}\" says otherwise ({f.Reason})");
    }

    // "X, so Y": a consequence asserted apart from its cause.
    [GeneratedRegex(@",\s+so\s+(?!that\b|far\b|much\b)", RegexOptions.IgnoreCase)]
    private static partial Regex Consequence();

    /// <summary>"S runs through 2032 and remains exclusive": two predicates of one subject, read as "S runs through 2032" and
    /// "S remains exclusive".</summary>
    private static IEnumerable<string> SharedSubject(string clause)
    {
        var second = SecondPredicate().Match(clause);
        var first = FirstVerb().Match(clause);
        // A negated second predicate ("…and is no longer exclusive") is left whole: read with a borrowed subject, its
        // negation is too easily set against the wrong term.
        if (!second.Success || !first.Success || first.Index >= second.Index || Negated().IsMatch(clause[(second.Index + second.Length)..]))
            return [clause];
        var subject = clause[..first.Index].TrimEnd();
        return [clause[..second.Index], $"{subject} {clause[(second.Index + second.Length)..].TrimStart()}"];
    }

    private const string Verbs = "is|are|was|were|has|have|had|remains|remain|stays|stay|runs|run|holds|hold|keeps|keep|lasts|covers|includes|continues|can|may|must|will|does|still|now";

    [GeneratedRegex(@"\b(?:" + Verbs + @")\b", RegexOptions.IgnoreCase)]
    private static partial Regex FirstVerb();

    [GeneratedRegex(@"\s+and\s+(?=(?:" + Verbs + @")\b)", RegexOptions.IgnoreCase)]
    private static partial Regex SecondPredicate();

    [GeneratedRegex(@"\b(?:no|not|never|non|longer|isn't|aren't|doesn't|don't|cannot|can't)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Negated();

    // ", not as an equity funder", "rather than an exclusive one": a contrast that denies an alternative, not the clause it follows.
    [GeneratedRegex(@"(?:,\s+(?:and\s+|but\s+)?not|\s+rather\s+than|,\s+instead\s+of)\s+[^,;]*", RegexOptions.IgnoreCase)]
    private static partial Regex ContrastTail();

    // "X reported that…", "according to X", "X said…": the clause gives what someone said, which the sources may report.
    [GeneratedRegex(@"\b(?:reported|reports|said|says|argued|argues|claimed|claims|wrote|writes|told|stated|according\s+to)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Attribution();


    /// <summary>The clause speaks of the past: a past auxiliary ("was", "had"), a verb in the past with no present one
    /// beside it ("OpenAI agreed to buy…", but not "the payments are now capped"), or a period that ended ("until April 2026").</summary>
    private bool Past(string text)
    {
        var words = Terms.Words(text).ToList();
        if (words.Any(w => w is "was" or "were" or "had" or "did" or "used" or "wasnt" or "werent" or "hadnt" or "didnt" or "formerly" or "previously" or "earlier"))
            return true;
        if (ClaimReader.PeriodOf(text) is { } period && period.To < day)
            return true;
        return !words.Any(PresentWords.Contains) && words.Skip(1).Any(w => (w.Length > 4 && w.EndsWith("ed", StringComparison.Ordinal)) || IrregularPast.Contains(w));
    }

    private static readonly HashSet<string> PresentWords = new(StringComparer.Ordinal)
    {
        "is", "are", "am", "isnt", "arent", "has", "have", "hasnt", "havent", "does", "do", "doesnt", "dont", "can", "cant", "may", "must",
        "will", "wont", "remains", "remain", "stays", "stay", "holds", "keeps", "continues", "still", "now", "today", "currently",
    };

    private static readonly HashSet<string> IrregularPast = new(StringComparer.Ordinal)
    {
        "became", "began", "took", "made", "gave", "got", "held", "kept", "won", "said", "wrote", "paid", "sold", "bought", "led", "put", "set", "came", "went", "saw", "told",
    };

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

    [GeneratedRegex(@"\b(?:" + MonthNamePattern + @"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b(?=\.?\s*(?:\d|,|of\b|$|\.|\s))")]
    private static partial Regex MonthPattern();

    [GeneratedRegex(@"\b(?:19|20)\d{2}\b")]
    private static partial Regex YearPattern();

    [GeneratedRegex(@"(?<![\w.\-])(\d[\d,]*(?:\.\d+)?)(?=%|\s|$|[.,;:)]|bn\b|b\b|m\b|gw\b|GW\b|st\b|nd\b|rd\b|th\b|s\b)")]
    private static partial Regex NumberPattern();
}
