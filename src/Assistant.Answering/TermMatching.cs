using Assistant.Core;

namespace Assistant.Answering;

/// <summary>A stemmed word or phrase from a question, with its weight and whether it names something.</summary>
public sealed record QueryTerm(string Stem, double Weight, bool IsEntity, string Surface);

/// <summary>A sentence as a sequence of stemmed words (stop words kept, so phrases match).</summary>
public sealed class StemmedText
{
    public StemmedText(string text)
    {
        Words = Terms.Words(text).ToArray();
        Stems = Words.Select(Terms.Stem).ToArray();
        StemSet = Stems.ToHashSet(StringComparer.Ordinal);
    }

    public string[] Words { get; }

    public string[] Stems { get; }

    public HashSet<string> StemSet { get; }

    /// <summary>Whether the stemmed phrase occurs as a contiguous run of words.</summary>
    public bool Contains(string stemmedPhrase)
    {
        if (!stemmedPhrase.Contains(' '))
            return StemSet.Contains(stemmedPhrase);
        var parts = stemmedPhrase.Split(' ');
        if (!StemSet.Contains(parts[0]))
            return false;
        for (var i = 0; i + parts.Length <= Stems.Length; i++)
        {
            var ok = true;
            for (var k = 0; k < parts.Length && ok; k++)
                ok = Stems[i + k] == parts[k];
            if (ok)
                return true;
        }
        return false;
    }
}

/// <summary>Document frequencies of stems over every sentence, heading and title of the index, as counted at ingest.</summary>
public sealed class TermStatistics(IndexStatistics counts)
{
    private IReadOnlyDictionary<string, int> Df => counts.DocumentFrequencies;

    /// <summary>Whether the corpus writes this word as a name (capitalised inside sentences, more than once).</summary>
    public bool IsName(string word) => counts.Names.GetValueOrDefault(word) >= 2;

    public int DocumentFrequency(string stem) => Df.GetValueOrDefault(stem);

    /// <summary>Every stem the corpus uses.</summary>
    public IEnumerable<string> Stems => Df.Keys;

    /// <summary>BM25-style idf; a stem never seen gets the highest idf.</summary>
    public double Idf(string stem)
    {
        var df = Df.GetValueOrDefault(stem);
        return Math.Log(1 + ((counts.Texts - df + 0.5) / (df + 0.5)));
    }

    public int Texts => counts.Texts;

    /// <summary>Document frequency of a phrase, approximated by its rarest word.</summary>
    public int PhraseFrequency(string stemmedPhrase) =>
        stemmedPhrase.Split(' ').Where(w => !Terms.IsStopWord(w)).Select(DocumentFrequency).DefaultIfEmpty(0).Min();

    public double IdfOfFrequency(int df) => Math.Log(1 + ((counts.Texts - Math.Min(df, counts.Texts) + 0.5) / (Math.Min(df, counts.Texts) + 0.5)));

    /// <summary>Whether every content word of the phrase occurs somewhere in the corpus.</summary>
    public bool Known(string stemmedPhrase) =>
        stemmedPhrase.Split(' ').Where(w => !Terms.IsStopWord(w)).All(w => Df.ContainsKey(w));
}

/// <summary>Matches query terms against sentences through the lexicon's synonyms.</summary>
public sealed class TermMatcher(Lexicon lexicon, TermStatistics statistics)
{
    public Lexicon Lexicon => lexicon;

    public TermStatistics Statistics => statistics;

    /// <summary>Names that occur in more than this share of texts (the partners themselves) carry no weight as names.</summary>
    public const double UbiquitousShare = 0.25;

    private const double EntityBoost = 1.5;

    private readonly Dictionary<string, (bool Known, double Idf, bool Ubiquitous)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public bool Matches(QueryTerm term, StemmedText text) => lexicon.SynonymsOf(term.Stem).Any(text.Contains);

    /// <summary>Whether the term or any synonym occurs somewhere in the corpus.</summary>
    public bool KnownInCorpus(QueryTerm term) => Info(term.Stem).Known;

    /// <summary>A name that is specific enough to decide relevance (not one of the partners named everywhere).</summary>
    public bool IsSpecificEntity(QueryTerm term) => term.IsEntity && Info(term.Stem) is { Known: true, Ubiquitous: false };

    /// <summary>Share of the known terms' weighted idf mass that <paramref name="text"/> matches (0..1); words the corpus never uses are left out.</summary>
    public double Coverage(IReadOnlyList<QueryTerm> terms, StemmedText text) => Coverage(terms, text, null);

    /// <summary>Coverage where a term may match in either text (a sentence and its heading).</summary>
    public double Coverage(IReadOnlyList<QueryTerm> terms, StemmedText text, StemmedText? also)
    {
        double total = 0, hit = 0;
        foreach (var t in terms)
        {
            var info = Info(t.Stem);
            if (!info.Known)
                continue;
            var w = t.Weight * info.Idf * (t.IsEntity && !info.Ubiquitous ? EntityBoost : 1);
            total += w;
            if (Matches(t, text) || (also is not null && Matches(t, also)))
                hit += w;
        }
        return total == 0 ? 0 : hit / total;
    }

    /// <summary>Idf of the whole synonym group: a term is as rare as all its synonyms together.</summary>
    public double Idf(QueryTerm t) => Info(t.Stem).Idf;

    private (bool Known, double Idf, bool Ubiquitous) Info(string stem)
    {
        lock (_gate)
        {
            if (_cache.TryGetValue(stem, out var info))
                return info;
            var synonyms = lexicon.SynonymsOf(stem);
            var known = synonyms.Where(statistics.Known).ToList();
            var df = known.Sum(statistics.PhraseFrequency);
            info = (known.Count > 0, statistics.IdfOfFrequency(df), df > UbiquitousShare * statistics.Texts);
            _cache[stem] = info;
            return info;
        }
    }

    /// <summary>Splits a question into terms: lexicon phrases first, then single content words.</summary>
    public IReadOnlyList<QueryTerm> Extract(string text, double weight = 1.0)
    {
        var words = Terms.Words(text).ToArray();
        var stems = words.Select(Terms.Stem).ToArray();
        var entities = Terms.NameWords(text);
        entities.UnionWith(words.Where(statistics.IsName));
        var result = new List<QueryTerm>();
        for (var i = 0; i < stems.Length;)
        {
            var matched = lexicon.Phrases.FirstOrDefault(p => i + p.Length <= stems.Length && p.Select((w, k) => stems[i + k] == w).All(b => b));
            if (matched is not null)
            {
                var surface = string.Join(' ', words[i..(i + matched.Length)]);
                result.Add(new QueryTerm(string.Join(' ', matched), weight, entities.Contains(words[i]), surface));
                i += matched.Length;
                continue;
            }
            var w = words[i];
            if (!Terms.IsStopWord(w) && !lexicon.MetaTerms.Contains(stems[i]) && w.Length > 1)
                result.Add(new QueryTerm(stems[i], weight, entities.Contains(w), w));
            i++;
        }
        return result.DistinctBy(t => t.Stem).ToList();
    }
}
