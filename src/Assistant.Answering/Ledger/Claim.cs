using System.Globalization;
using System.Text.RegularExpressions;
using Assistant.Core;

namespace Assistant.Answering.Ledger;

/// <summary>How a claim places its proposition in time: "still X", "no longer X", "already X", "never X", "ever X?".</summary>
public enum Aspect
{
    None,
    Still,
    NoLonger,
    Already,
    NotYet,
    Never,
    Ever,
}

/// <summary>An amount with its unit: US dollars in billions, a percentage, a year, gigawatts.</summary>
public sealed record Figure(decimal Value, string Unit, string Text)
{
    public const string Dollars = "usd_bn";
    public const string Percent = "percent";
    public const string Year = "year";
    public const string Gigawatts = "gw";

    /// <summary>The same amount, allowing for rounding.</summary>
    /// <remarks>Amounts within 5 %, percentages within 2.5 points ("roughly a third" is 32.5 %), years exactly.</remarks>
    public bool Agrees(Figure other) =>
        Unit == other.Unit && Unit switch
        {
            Year => Value == other.Value,
            Percent => Math.Abs(Value - other.Value) <= 2.5m,
            _ => Math.Abs(Value - other.Value) <= 0.05m * Math.Max(Math.Abs(Value), Math.Abs(other.Value)),
        };

    public override string ToString() => Text;
}

/// <summary>A question or talking point read as a claim: what it asserts, whether it denies it, how it places it in
/// time, which parties, clouds and figures it names, and the period it asks about.</summary>
public sealed record Claim
{
    /// <summary>The text as typed.</summary>
    public required string Text { get; init; }

    /// <summary>The text with shorthand replaced by the words the sources use (MSFT → Microsoft, ROFR → right of first refusal).</summary>
    public required string Normalized { get; init; }

    /// <summary>Words of earlier turns a follow-up leans on (already normalized).</summary>
    public string Context { get; init; } = "";

    public required QuestionForm Form { get; init; }

    /// <summary>The claim denies its proposition ("it is not true that…", "X is not…", "X sat out…").</summary>
    public bool Negated { get; init; }

    public Aspect Aspect { get; init; }

    /// <summary>"only", "exclusive", "solely", "purely"…</summary>
    public bool Restrictive { get; init; }

    /// <summary>"any cloud", "multi-cloud", "non-exclusive", "other clouds"…</summary>
    public bool Broadening { get; init; }

    public IReadOnlyList<Figure> Figures { get; init; } = [];

    /// <summary>Parties named (entity ids, clouds' owners included).</summary>
    public IReadOnlySet<string> Parties { get; init; } = new HashSet<string>();

    /// <summary>Clouds named (entity ids; "any" for any cloud).</summary>
    public IReadOnlySet<string> Platforms { get; init; } = new HashSet<string>();

    /// <summary>A period the claim is about ("in January 2025", "before October 2025").</summary>
    public (DateOnly From, DateOnly To)? Period { get; init; }

    /// <summary>An open question asks for an amount ("how much", "what percentage").</summary>
    public bool AsksAmount { get; init; }

    /// <summary>An open question asks for a time ("when", "until when", "how long").</summary>
    public bool AsksTime { get; init; }

    /// <summary>What the claim is about: the normalized text without its period ("after the April 2026 amendment"), which
    /// sets the day read rather than the term meant.</summary>
    public string Subject { get; init; } = "";

    /// <summary>The text matched against the terms: the claim's subject and what it borrows from earlier turns.</summary>
    public string MatchText => Context.Length == 0 ? Subject : $"{Subject} ({Context})";
}

/// <summary>Reads a claim from the user's text with the lexicon's aliases, entities and cue lists (corpus/lexicon.yaml).</summary>
public sealed partial class ClaimReader(Lexicon lexicon)
{
    private static readonly string[] Months =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    private readonly CueSet _negation = lexicon.Cue("negation");
    private readonly CueSet _withdrawal = lexicon.Cue("withdrawal");
    private readonly CueSet _prohibition = lexicon.Cue("prohibition");
    private readonly CueSet _cessation = lexicon.Cue("cessation");
    private readonly CueSet _relocation = lexicon.Cue("relocation");
    private readonly CueSet _privative = lexicon.Cue("privative");
    private readonly CueSet _elsewhere = lexicon.Cue("elsewhere");

    private static readonly HashSet<string> NegativeAuxiliaries = new(StringComparer.Ordinal)
    {
        "isnt", "arent", "wasnt", "werent", "doesnt", "dont", "didnt", "cant", "wont", "hasnt", "havent", "couldnt", "wouldnt", "shouldnt",
    };

    /// <summary>Verbs that open a yes/no question ("is", "can", "didn't").</summary>
    public static readonly IReadOnlySet<string> Auxiliaries = new HashSet<string>(NegativeAuxiliaries.Concat(
    [
        "is", "are", "was", "were", "can", "could", "does", "do", "did", "has", "have", "had", "will", "would", "should", "may", "might", "must", "shall",
    ]), StringComparer.Ordinal);

    /// <summary>Conversational openings before the words that ask ("ok and does it…", "wait, didn't…").</summary>
    public static readonly IReadOnlySet<string> Openings = new HashSet<string>(StringComparer.Ordinal)
    {
        "and", "but", "so", "ok", "okay", "well", "also", "then", "wait", "hey", "hmm", "right", "now", "quick", "question",
    };

    private readonly CueSet _restriction = lexicon.Cue("restriction");
    private readonly CueSet _anyCloud = lexicon.AnyRival;
    private readonly CueSet _nonExclusive = lexicon.Cue("ended_exclusivity");

    public Lexicon Lexicon => lexicon;

    /// <summary>Shorthand replaced by the words the sources use (see <see cref="Lexicon.Normalize"/>).</summary>
    public string Normalize(string text) => lexicon.Normalize(text);

    public Claim Read(string text, QuestionForm form, string context = "")
    {
        var normalized = Normalize(text);
        var words = Terms.Words(normalized).ToList();
        // "Does it run on Azure or Bedrock?" asks which, not whether.
        if (form == QuestionForm.YesNo && Alternative(words))
            form = QuestionForm.Open;
        var (aspect, aspectWords) = AspectOf(words, form);
        var platforms = Platforms(normalized);
        // "X ended", "the deal ends X", "moved X from Azure to AWS": X no longer holds (where it was).
        // ...unless the ending is the rule itself ("the revenue share ends when AGI is verified").
        var conditional = words.Any(w => w is "if" or "when" or "once" or "until" or "upon" or "unless" or "whenever");
        if (aspect is Aspect.None or Aspect.Already && !conditional && _cessation.Any(words))
            aspect = Aspect.NoLonger;
        if (aspect == Aspect.None && _relocation.Any(words) && Origin(words) is { Count: > 0 } origin)
            (aspect, platforms) = (Aspect.NoLonger, origin);
        // "Didn't Microsoft own a third?", "Isn't the API Azure-only?": a negative question asks the same as the positive one.
        var skip = new HashSet<int>(aspectWords);
        var first = words.FindIndex(w => !Openings.Contains(w));
        if (form == QuestionForm.YesNo && first >= 0)
        {
            if (NegativeAuxiliaries.Contains(words[first]))
                skip.Add(first);
            // "Does Contoso not host…?": the "not" before the main verb, a few words after the auxiliary.
            else if (Auxiliaries.Contains(words[first]) && words.Skip(first + 1).Take(4).ToList().IndexOf("not") is var at and >= 0)
                skip.Add(first + 1 + at);
        }
        var negations = Negations(words, skip);
        // "Hosted outside Azure", "beyond AWS": some other cloud than the one named.
        // "No longer exclusive" says once that exclusivity ended: read as the aspect, not again as a broadening.
        var broadening = _anyCloud.Any(words) || (_nonExclusive.Any(words) && aspect != Aspect.NoLonger);
        foreach (var (index, length, _) in _elsewhere.Matches(words))
        {
            var after = Platforms(string.Join(' ', words.Skip(index + length).Take(3)));
            after.Remove(NamedEntity.AnyPlatform);
            if (after.Count == 0)
                continue;
            broadening = true;
            platforms = platforms.Except(after).ToHashSet(StringComparer.Ordinal);
        }
        return new Claim
        {
            Text = text,
            Normalized = normalized,
            Context = context.Length == 0 ? "" : Normalize(context),
            Form = form,
            Negated = negations % 2 == 1,
            Aspect = aspect,
            Restrictive = _restriction.Any(words) && !_nonExclusive.Any(words),
            Broadening = broadening,
            Figures = Figures(normalized),
            Parties = Parties(normalized, platforms),
            Platforms = platforms,
            Period = PeriodOf(normalized),
            Subject = SubjectOf(normalized, form),
            AsksAmount = form == QuestionForm.Open && AsksForAmount(normalized),
            AsksTime = form == QuestionForm.Open && AsksForTime(normalized),
        };
    }

    /// <summary>Words the claim's structure is read from rather than its subject: restriction ("purely", "only").</summary>
    public IEnumerable<string> StructureWords(string text)
    {
        var words = Terms.Words(text).ToList();
        return _restriction.Matches(words).SelectMany(m => words.Skip(m.Index).Take(m.Length));
    }

    /// <summary>"How much…", "what's it worth", "Microsoft's percentage of OpenAI": the text asks for an amount.</summary>
    public static bool AsksForAmount(string text) => AmountQuestion().IsMatch(text);

    /// <summary>"When…", "since when…", "how long…": the text asks for a date or a duration.</summary>
    public static bool AsksForTime(string text) => TimeQuestion().IsMatch(text);

    /// <summary>Whether the last "or" of the text stands between two different named parties or clouds ("Azure or Bedrock")
    /// or two figures ("2030 or 2032").</summary>
    private bool Alternative(List<string> words)
    {
        var or = words.LastIndexOf("or");
        if (or <= 0 || or == words.Count - 1)
            return false;
        var beforeText = string.Join(' ', words.Skip(Math.Max(0, or - 4)).Take(Math.Min(or, 4)));
        var afterText = string.Join(' ', words.Skip(or + 1).Take(4));
        // The names must stand right beside "or" ("Azure or Bedrock"), not merely near it ("host or license Northwind").
        var before = NamesEndingAt(words, or).ToList();
        var after = NamesStartingAt(words, or + 1).ToList();
        if (before.Count > 0 && after.Count > 0 && !after.Intersect(before).Any())
            return true;
        // "in 2030 or 2032?", "$10 billion or $13 billion?": two figures offered to choose from.
        static string? LastNumber(string t) => Regex.Matches(t, @"\d+(?:\.\d+)?").LastOrDefault()?.Value;
        static string? FirstNumber(string t) => Regex.Match(t, @"\d+(?:\.\d+)?") is { Success: true } m ? m.Value : null;
        return words[or - 1].Any(char.IsDigit) && words[or + 1].Any(char.IsDigit) && LastNumber(beforeText) != FirstNumber(afterText);
    }

    private IEnumerable<string> NamesEndingAt(List<string> words, int end) =>
        lexicon.Entities.Where(e => e.Patterns.Any(p => p.Length <= end && p.Select((w, k) => words[end - p.Length + k] == w).All(b => b))).Select(e => e.Id);

    private IEnumerable<string> NamesStartingAt(List<string> words, int start) =>
        lexicon.Entities.Where(e => e.Patterns.Any(p => start + p.Length <= words.Count && p.Select((w, k) => words[start + k] == w).All(b => b))).Select(e => e.Id);

    /// <summary>Negation cues that deny the claim's proposition, left aside those that make an aspect ("no longer", "never", "not yet").</summary>
    public int Negations(IReadOnlyList<string> words, IReadOnlySet<int>? skip = null)
    {
        var count = 0;
        foreach (var (index, length, cue) in _negation.Matches(words).Concat(_withdrawal.Matches(words)).Concat(_prohibition.Matches(words)).Concat(_privative.Matches(words)))
        {
            if (skip is not null && Enumerable.Range(index, length).Any(skip.Contains))
                continue;
            // "not only X but Y" asserts X.
            if (cue == "not" && index + 1 < words.Count && words[index + 1] == "only")
                continue;
            count++;
        }
        return count;
    }

    /// <summary>The aspect and the word positions that express it (so they are not also counted as negations).</summary>
    private static (Aspect, IReadOnlySet<int>) AspectOf(List<string> words, QuestionForm form)
    {
        var at = new HashSet<int>();
        int Find(params string[] phrase)
        {
            for (var i = 0; i + phrase.Length <= words.Count; i++)
            {
                if (phrase.Select((w, k) => words[i + k] == w).All(b => b))
                {
                    for (var k = 0; k < phrase.Length; k++)
                        at.Add(i + k);
                    return i;
                }
            }
            return -1;
        }
        // "no longer", "not … anymore"; a bare "anymore" in a question asks "still" ("Is it exclusive anymore?").
        var negative = words.Any(w => w is "not" or "no" or "never" or "isnt" or "arent" or "doesnt" or "dont" or "didnt" or "cant" or "wont" or "hasnt" or "havent");
        if (Find("no", "longer") >= 0 || (negative && (Find("anymore") >= 0 || Find("any", "more") >= 0)))
            return (Aspect.NoLonger, at);
        if (Find("anymore") >= 0)
            return (Aspect.Still, at);
        if (Find("not", "yet") >= 0 || Find("yet", "to") >= 0)
            return (Aspect.NotYet, at);
        if (Find("never") >= 0 || Find("not", "ever") >= 0)
            return (Aspect.Never, at);
        if (Find("still") >= 0 || Find("remains") >= 0 || Find("remain") >= 0 || Find("continues", "to") >= 0 || Find("continue", "to") >= 0)
            return (Aspect.Still, at);
        if (Find("already") >= 0 || (form != QuestionForm.Claim && Find("yet") >= 0))
            return (Aspect.Already, at);
        if (form != QuestionForm.Claim && Find("ever") >= 0)
            return (Aspect.Ever, at);
        return (Aspect.None, at);
    }

    /// <summary>The clouds named right after "from" ("moved from Azure to AWS" → Azure).</summary>
    private HashSet<string> Origin(List<string> words)
    {
        var at = words.IndexOf("from");
        return at < 0 ? [] : Platforms(string.Join(' ', words.Skip(at + 1).TakeWhile(w => w is not ("to" or "onto" or "into" or "toward" or "towards"))));
    }

    /// <summary>Clouds named; "any" when the claim speaks of any or other clouds.</summary>
    private HashSet<string> Platforms(string text)
    {
        var found = Named(text).Where(e => e.IsPlatform).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        if (_anyCloud.Any(Terms.Words(text).ToList()))
            found.Add(NamedEntity.AnyPlatform);
        return found;
    }

    /// <summary>Parties named, with the companies behind the clouds named.</summary>
    private HashSet<string> Parties(string text, IReadOnlySet<string> platforms)
    {
        var named = Named(text).ToList();
        var parties = named.Where(e => !e.IsPlatform).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        parties.UnionWith(named.Where(e => e.IsPlatform && e.Owner is not null).Select(e => e.Owner!));
        return parties;
    }

    /// <summary>Entities whose names occur in the text as whole words; a longer name wins over a shorter one it contains.</summary>
    public IEnumerable<NamedEntity> Named(string text)
    {
        var words = Terms.Words(text).ToList();
        var taken = new bool[words.Count];
        var found = new List<NamedEntity>();
        foreach (var (entity, pattern) in lexicon.Entities.SelectMany(e => e.Patterns.Select(p => (e, p))).OrderByDescending(x => x.p.Length))
        {
            for (var i = 0; i + pattern.Length <= words.Count; i++)
            {
                if (Enumerable.Range(0, pattern.Length).Any(k => taken[i + k] || words[i + k] != pattern[k]))
                    continue;
                for (var k = 0; k < pattern.Length; k++)
                    taken[i + k] = true;
                found.Add(entity);
            }
        }
        return found.Distinct();
    }

    /// <summary>The clauses of a sentence, each of which asserts or denies on its own: split at ", but", "although", "while",
    /// "whereas", a semicolon, ", with", and ", and" before a new subject ("…, and Microsoft no longer has…").</summary>
    public static IReadOnlyList<string> Clauses(string sentence) =>
        [.. ClauseBreak().Split(sentence).Select(c => c.Trim(' ', ',', '.')).Where(c => c.Length > 0)];

    [GeneratedRegex(@"(?i:(?:,\s*|\s+)(?:but|although|though|while|whereas)\s+|;\s*|,\s+with\s+)|,\s+and\s+(?=[A-Z]|(?i:(?:it|they|that|this|the|its|their)\b))")]
    private static partial Regex ClauseBreak();

    /// <summary>Amounts in a text: dollars (in billions), percentages and fractions, gigawatts, and years that end a term ("through 2032").</summary>
    public static IReadOnlyList<Figure> Figures(string text)
    {
        var folded = TextFolding.Fold(text);
        var result = new List<Figure>();
        foreach (Match m in DollarAmount().Matches(folded))
        {
            if (!decimal.TryParse(m.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var v))
                continue;
            var scale = m.Groups[2].Value switch
            {
                "trillion" => 1000m,
                "billion" => 1m,
                "million" => 0.001m,
                _ => 0.000_000_001m,
            };
            result.Add(new Figure(v * scale, Figure.Dollars, m.Value.Trim()));
        }
        foreach (Match m in PercentAmount().Matches(folded))
            result.Add(new Figure(decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Figure.Percent, m.Value.Trim()));
        foreach (Match m in Fraction().Matches(folded))
        {
            var value = m.Groups[1].Value switch
            {
                "half" => 50m,
                "third" or "one third" or "one-third" => 33.3m,
                "two thirds" or "two-thirds" => 66.7m,
                "quarter" or "one quarter" => 25m,
                "fifth" => 20m,
                _ => 0m,
            };
            if (value > 0)
                result.Add(new Figure(value, Figure.Percent, m.Value.Trim()));
        }
        foreach (Match m in Gigawatts().Matches(folded))
            result.Add(new Figure(decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Figure.Gigawatts, m.Value.Trim()));
        foreach (Match m in EndYear().Matches(folded))
            result.Add(new Figure(decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Figure.Year, m.Groups[1].Value));
        return result;
    }

    /// <summary>Years a term's figures name as years (a term's end date is a figure, not a period).</summary>
    public static IReadOnlyList<Figure> FiguresOfTerm(IEnumerable<string> figures) =>
        figures.SelectMany(f => YearOnly().IsMatch(f.Trim()) ? [new Figure(decimal.Parse(f.Trim(), CultureInfo.InvariantCulture), Figure.Year, f.Trim())] : Figures(f)).ToList();

    /// <summary>The text without the period it names and without its aspect words ("still", "no longer"): the proposition
    /// the terms state in plain positive form.</summary>
    private string SubjectOf(string normalized, QuestionForm form)
    {
        var text = PeriodAnyCase().Replace(normalized, " ", 1);
        var words = Terms.Words(text).ToList();
        var (_, aspectWords) = AspectOf(words, form);
        foreach (var word in aspectWords.Select(i => words[i]))
            text = Regex.Replace(text, $@"\b{Regex.Escape(word)}\b", " ", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        text = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return Terms.Words(text).Any() ? text : normalized;
    }

    /// <summary>The period a claim is about: "in March 2026", "in 2025", "in Q1 2026", "before October 2025", "since April 2026".</summary>
    public static (DateOnly From, DateOnly To)? PeriodOf(string text)
    {
        var folded = TextFolding.Fold(text);
        var q = Quarter().Match(folded);
        if (q.Success)
        {
            var quarter = Array.IndexOf(["first", "second", "third", "fourth"], q.Groups[1].Value) + 1;
            var year = q.Groups[2].Success ? int.Parse(q.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
            if (year > 0)
            {
                var from = new DateOnly(year, (3 * quarter) - 2, 1);
                return (from, from.AddMonths(3).AddDays(-1));
            }
        }
        var m = Period().Match(folded);
        if (!m.Success)
            return null;
        var y = int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
        var (start, end) = m.Groups[3].Success
            ? (new DateOnly(y, Array.IndexOf(Months, m.Groups[3].Value) + 1, 1), new DateOnly(y, Array.IndexOf(Months, m.Groups[3].Value) + 1, 1).AddMonths(1).AddDays(-1))
            : (new DateOnly(y, 1, 1), new DateOnly(y, 12, 31));
        var afterEvent = m.Groups[2].Success;
        return m.Groups[1].Value switch
        {
            "before" or "until" or "prior to" => (DateOnly.MinValue, start.AddDays(-1)),
            "since" or "after" => (m.Groups[1].Value == "after" && !afterEvent ? end.AddDays(1) : start, DateOnly.MaxValue),
            _ => (start, end),
        };
    }

    [GeneratedRegex(@"\$\s?(\d[\d,]*(?:\.\d+)?)\s?(trillion|billion|million)?\b")]
    private static partial Regex DollarAmount();

    [GeneratedRegex(@"\b(\d+(?:\.\d+)?)\s?(?:%|percent\b|per cent\b)")]
    private static partial Regex PercentAmount();

    [GeneratedRegex(@"\b(?:a|one)?\s?(half|third|one[- ]third|two[- ]thirds|quarter|fifth)\b(?=\s+(?:of|stake|share|ownership))")]
    private static partial Regex Fraction();

    [GeneratedRegex(@"\b(\d+(?:\.\d+)?)\s?(?:gw|gigawatts?)\b")]
    private static partial Regex Gigawatts();

    [GeneratedRegex(@"\b(?:through|thru|until|till|to|runs? to|last(?:s)? until)\s+((?:19|20)\d{2})\b")]
    private static partial Regex EndYear();

    [GeneratedRegex(@"^\s*((?:19|20)\d{2})\s*$")]
    private static partial Regex YearOnly();

    [GeneratedRegex(@"\b(?:in|during)?\s*(?:the\s+)?(first|second|third|fourth)\s+quarter(?:\s+of)?\s*((?:19|20)\d{2})?")]
    private static partial Regex Quarter();

    // "in March 2026", "before October 2025", "after the April 2026 amendment" (an event of the month: from its start).
    [GeneratedRegex(@"\b(in|during|since|after|before|until|prior to|from|by)\s+(the\s+)?(?:(?:early|late|mid)\s+)?(?:(january|february|march|april|may|june|july|august|september|october|november|december)\s+)?((?:19|20)\d{2})\b(?:\s+(?:amendment|agreement|deal|changes?|announcement|restructuring|recapitali[sz]ation|round|contract|update|terms))?")]
    private static partial Regex Period();

    [GeneratedRegex(@"\b(in|during|since|after|before|until|prior to|from|by)\s+(the\s+)?(?:(?:early|late|mid)\s+)?(?:(january|february|march|april|may|june|july|august|september|october|november|december)\s+)?((?:19|20)\d{2})\b(?:\s+(?:amendment|agreement|deal|changes?|announcement|restructuring|recapitali[sz]ation|round|contract|update|terms))?", RegexOptions.IgnoreCase)]
    private static partial Regex PeriodAnyCase();

    // "how much", "what's it worth", "Microsoft's percentage of OpenAI": a question asking for an amount.
    [GeneratedRegex(@"\b(how much|how many|how large|how big)\b|\bwhat(?:'s|s| is| was| are| were)?\b[^?.]{0,40}?(\bpercentage\b|\bpercent\b|%|\bshare\b|\bstake\b|\bsize\b|\bamount\b|\bvaluation\b|\bworth\b|\bvalue\b|\bfigure\b)", RegexOptions.IgnoreCase)]
    private static partial Regex AmountQuestion();

    [GeneratedRegex(@"(^\s*when\b|\bsince when\b|\buntil when\b|\bhow long\b|\bwhat year\b|\bwhat date\b|\bthrough when\b|\bthru when\b)", RegexOptions.IgnoreCase)]
    private static partial Regex TimeQuestion();
}
