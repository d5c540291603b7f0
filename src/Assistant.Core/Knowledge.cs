using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Assistant.Core;

/// <summary>A list of cue words and phrases; a trailing "*" on the last word matches any ending.</summary>
public sealed class CueSet
{
    private readonly List<string[]> _patterns;

    public CueSet(IEnumerable<string> cues)
    {
        _patterns = cues
            .Select(c => Terms.Words(c.TrimEnd('*')).ToArray() is { Length: > 0 } words
                ? (c.EndsWith('*') ? [.. words[..^1], words[^1] + "*"] : words)
                : [])
            .Where(p => p.Length > 0)
            .ToList();
        Phrases = cues.ToList();
    }

    public IReadOnlyList<string> Phrases { get; }

    /// <summary>Positions (word index, length in words) of every cue occurrence in <paramref name="words"/>.</summary>
    public IEnumerable<(int Index, int Length, string Cue)> Matches(IReadOnlyList<string> words)
    {
        for (var i = 0; i < words.Count; i++)
        {
            foreach (var p in _patterns)
            {
                if (i + p.Length > words.Count)
                    continue;
                var ok = true;
                for (var k = 0; k < p.Length && ok; k++)
                {
                    var cue = p[k];
                    ok = cue.EndsWith('*')
                        ? words[i + k].StartsWith(cue[..^1], StringComparison.Ordinal)
                        : words[i + k] == cue;
                }
                if (ok)
                    yield return (i, p.Length, string.Join(' ', p));
            }
        }
    }

    public int Count(IReadOnlyList<string> words) => Matches(words).Count();

    /// <summary>How many different cues occur.</summary>
    public int Distinct(IReadOnlyList<string> words) => Matches(words).Select(m => m.Cue).Distinct().Count();

    public bool Any(IReadOnlyList<string> words) => Matches(words).Any();
}

/// <summary>One layer of the taxonomy, with the cues that put text on it.</summary>
public sealed record Layer(string Id, string Name, string Description, CueSet Strong, CueSet Weak)
{
    /// <summary>Questions this layer can answer, offered as follow-ups and examples.</summary>
    public IReadOnlyList<string> Questions { get; init; } = [];

    /// <summary>The layer holds commentary (what the terms mean, what to watch), not terms themselves: its terms answer
    /// questions that ask about it, and never stand in for a term of the relationship.</summary>
    public bool Commentary { get; init; }
}

/// <summary>The seven layers, from corpus/layers.yaml.</summary>
public sealed class LayerTaxonomy
{
    private static readonly string[] IdArray =
        ["infrastructure", "orchestration", "capital", "government", "governance", "ip", "market"];

    public static IReadOnlyList<string> Ids => IdArray;

    /// <summary>Position of a layer id in the fixed order, or -1.</summary>
    public static int IndexOf(string id) => Array.IndexOf(IdArray, id);

    public LayerTaxonomy(IReadOnlyList<Layer> layers)
    {
        Layers = layers;
        ById = layers.ToDictionary(l => l.Id);
    }

    public IReadOnlyList<Layer> Layers { get; }

    public IReadOnlyDictionary<string, Layer> ById { get; }

    public string NameOf(string id) => ById.TryGetValue(id, out var l) ? l.Name : id;

    /// <summary>Layers ordered as in the taxonomy.</summary>
    public IReadOnlyList<string> Order(IEnumerable<string> ids)
    {
        var set = ids.ToHashSet();
        return Ids.Where(set.Contains).ToList();
    }
}

/// <summary>Synonyms, rival groups and stance cues, from corpus/lexicon.yaml.</summary>
public sealed partial class Lexicon
{
    private readonly Dictionary<string, int> _groupOf = new(StringComparer.Ordinal);
    private readonly List<string[]> _groups = [];

    public Lexicon(IEnumerable<IEnumerable<string>> synonyms, IReadOnlyDictionary<string, IReadOnlyList<string>> alternatives,
        IReadOnlyDictionary<string, CueSet> cues, IEnumerable<string> metaTerms, IEnumerable<string>? anyRival = null,
        IEnumerable<string>? collective = null)
    {
        AnyRival = new CueSet(anyRival ?? []);
        Collective = new CueSet(collective ?? []);
        foreach (var group in synonyms)
        {
            var stems = group.Select(Terms.StemPhrase).Where(s => s.Length > 0).Distinct().ToArray();
            foreach (var s in stems)
                _groupOf.TryAdd(s, _groups.Count);
            _groups.Add(stems);
        }
        Phrases = _groupOf.Keys.Where(k => k.Contains(' ')).OrderByDescending(k => k.Length).Select(k => k.Split(' ')).ToList();
        Alternatives = alternatives;
        Cues = cues;
        MetaTerms = metaTerms.Select(Terms.Stem).ToHashSet();
    }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Alternatives { get; }

    public IReadOnlyDictionary<string, CueSet> Cues { get; }

    /// <summary>Phrases that stand for any member of a rival group ("other platforms").</summary>
    public CueSet AnyRival { get; }

    /// <summary>Words for the partners together ("the partnership", "both firms").</summary>
    public CueSet Collective { get; }

    public IReadOnlySet<string> MetaTerms { get; }

    public CueSet Cue(string name) => Cues.TryGetValue(name, out var c) ? c : new CueSet([]);

    /// <summary>Stemmed phrases that mean the same as <paramref name="stemmedPhrase"/> (itself included).</summary>
    public IReadOnlyList<string> SynonymsOf(string stemmedPhrase) =>
        _groupOf.TryGetValue(stemmedPhrase, out var g) ? _groups[g] : [stemmedPhrase];

    /// <summary>The synonym group id of a stemmed phrase, or null.</summary>
    public int? GroupOf(string stemmedPhrase) => _groupOf.TryGetValue(stemmedPhrase, out var g) ? g : null;

    /// <summary>All multi-word synonym phrases (stemmed, split into words), longest first, for phrase spotting.</summary>
    public IReadOnlyList<string[]> Phrases { get; }

    /// <summary>Every word of the lexicon: synonyms, cue phrases and meta terms (stemmed).</summary>
    public IEnumerable<string> Vocabulary =>
        _groups.SelectMany(g => g).SelectMany(p => p.Split(' '))
            .Concat(Cues.Values.SelectMany(c => c.Phrases).SelectMany(p => Terms.Words(p.TrimEnd('*'))).Select(Terms.Stem))
            .Concat(MetaTerms);

    /// <summary>Named parties and clouds, with the names people use for them.</summary>
    public IReadOnlyList<NamedEntity> Entities { get; init; } = [];

    /// <summary>Abbreviations, tickers and casual spellings, with the words the sources use for them.</summary>
    public IReadOnlyList<Alias> Aliases { get; init; } = [];

    /// <summary>Words that deny what follows them ("not", "never", "sat out"…) in a claim or a term's wording.</summary>
    public CueSet Negation => Cue("negation");

    /// <summary>Shorthand replaced by the words the sources use (MSFT → Microsoft, ROFR → right of first refusal), dollar
    /// shorthand spelled out ("$50B" → "$50 billion") and a bare "%" read as "percentage". Questions and the terms'
    /// wordings are read through it alike.</summary>
    public string Normalize(string text)
    {
        var s = DollarShorthand().Replace(text, m => $"${m.Groups[1].Value} {(m.Groups[2].Value.ToLowerInvariant() is "t" or "tn" ? "trillion" : m.Groups[2].Value.ToLowerInvariant() is "m" or "mn" ? "million" : "billion")}");
        s = BarePercent().Replace(s, " percentage");
        foreach (var alias in Aliases)
            s = alias.Pattern.Replace(s, alias.Meaning);
        return s;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\$\s?(\d[\d,]*(?:\.\d+)?)\s?(tn|t|bn|b|mn|m)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex DollarShorthand();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\d\s])\s*%|(?<=\s)%")]
    private static partial System.Text.RegularExpressions.Regex BarePercent();
}

/// <summary>A named party or cloud: the id the terms ledger uses and the names that refer to it.</summary>
/// <param name="Owner">For a cloud, the company that runs it (AWS → amazon).</param>
public sealed record NamedEntity(string Id, IReadOnlyList<string> Names, bool IsPlatform, string? Owner)
{
    /// <summary>The platform id that means "any cloud".</summary>
    public const string AnyPlatform = "any";

    /// <summary>The names as word sequences (folded), longest first.</summary>
    public IReadOnlyList<string[]> Patterns { get; } =
        Names.Select(n => Terms.Words(n).ToArray()).Where(w => w.Length > 0).OrderByDescending(w => w.Length).ToList();
}

/// <summary>A shorthand ("MSFT", "ROFR", "thru") and the words it stands for; matched as a whole word, any case.</summary>
public sealed class Alias
{
    public Alias(string shorthand, string meaning)
    {
        Shorthand = shorthand;
        Meaning = meaning;
        // A whole word: not inside another word, and not the stem of a model name such as "GPT-5.5".
        Pattern = new System.Text.RegularExpressions.Regex(
            $@"(?<![\w$-]){System.Text.RegularExpressions.Regex.Escape(shorthand).Replace("\\ ", "\\s+", StringComparison.Ordinal)}(?![\w-])",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    }

    public string Shorthand { get; }

    public string Meaning { get; }

    public System.Text.RegularExpressions.Regex Pattern { get; }
}

/// <summary>Loads the taxonomy and lexicon that live as data beside the corpus.</summary>
public static class DomainKnowledge
{
    public const string LayersFile = "layers.yaml";
    public const string LexiconFile = "lexicon.yaml";

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public static LayerTaxonomy LoadTaxonomy(string corpusDir)
    {
        var path = Path.Combine(corpusDir, LayersFile);
        var file = Read<LayersFileModel>(path);
        if (file.Layers is not { Count: > 0 })
            throw new KnowledgeFileException(path, "field 'layers' is missing or empty");
        var layers = new List<Layer>();
        foreach (var l in file.Layers)
        {
            if (string.IsNullOrWhiteSpace(l.Id))
                throw new KnowledgeFileException(path, "a layer has no 'id'");
            if (!LayerTaxonomy.Ids.Contains(l.Id))
                throw new KnowledgeFileException(path, $"layer id '{l.Id}' is not one of {string.Join(", ", LayerTaxonomy.Ids)}");
            layers.Add(new Layer(l.Id, l.Name ?? l.Id, l.Description ?? "", new CueSet(l.Strong ?? []), new CueSet(l.Weak ?? [])) { Questions = l.Questions ?? [], Commentary = l.Commentary });
        }
        var missing = LayerTaxonomy.Ids.Except(layers.Select(l => l.Id)).ToList();
        if (missing.Count > 0)
            throw new KnowledgeFileException(path, $"layers missing: {string.Join(", ", missing)}");
        return new LayerTaxonomy(layers);
    }

    public static Lexicon LoadLexicon(string corpusDir)
    {
        var path = Path.Combine(corpusDir, LexiconFile);
        if (!File.Exists(path))
            return new Lexicon([], new Dictionary<string, IReadOnlyList<string>>(), new Dictionary<string, CueSet>(), []);
        var file = Read<LexiconFileModel>(path);
        var entities = (file.Entities ?? []).Select(kv => new NamedEntity(kv.Key,
            kv.Value.Names is { Count: > 0 } names ? names : throw new KnowledgeFileException(path, $"entity '{kv.Key}' has no 'names'"),
            kv.Value.Platform, kv.Value.Owner)).ToList();
        foreach (var e in entities.Where(e => e.Owner is not null && entities.All(o => o.Id != e.Owner)))
            throw new KnowledgeFileException(path, $"entity '{e.Id}': owner '{e.Owner}' is not an entity");
        return new Lexicon(
            file.Synonyms ?? [],
            (file.Alternatives ?? []).ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.Select(Terms.StemPhrase).ToList()),
            (file.Cues ?? []).ToDictionary(kv => kv.Key, kv => new CueSet(kv.Value)),
            file.MetaTerms ?? [],
            file.AnyRival ?? [],
            file.Collective ?? [])
        {
            Entities = entities,
            Aliases = (file.Aliases ?? []).SelectMany(kv => kv.Value.Select(v => new Alias(v, kv.Key)))
                .OrderByDescending(a => a.Shorthand.Length).ToList(),
        };
    }

    private static T Read<T>(string path)
    {
        if (!File.Exists(path))
            throw new KnowledgeFileException(path, "file not found");
        try
        {
            return Yaml.Deserialize<T>(File.ReadAllText(path)) ?? throw new KnowledgeFileException(path, "file is empty");
        }
        catch (YamlException e)
        {
            throw new KnowledgeFileException(path, $"invalid YAML at line {e.Start.Line}: {e.Message}");
        }
    }

    private sealed class LayersFileModel
    {
        public List<LayerModel>? Layers { get; set; }
    }

    private sealed class LayerModel
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public string? Description { get; set; }
        public List<string>? Strong { get; set; }
        public List<string>? Weak { get; set; }
        public List<string>? Questions { get; set; }

        public bool Commentary { get; set; }
    }

    private sealed class LexiconFileModel
    {
        public List<List<string>>? Synonyms { get; set; }
        public Dictionary<string, List<string>>? Alternatives { get; set; }
        public Dictionary<string, List<string>>? Cues { get; set; }
        public List<string>? MetaTerms { get; set; }
        public List<string>? AnyRival { get; set; }
        public List<string>? Collective { get; set; }
        public Dictionary<string, EntityModel>? Entities { get; set; }
        public Dictionary<string, List<string>>? Aliases { get; set; }
    }

    private sealed class EntityModel
    {
        public List<string>? Names { get; set; }
        public bool Platform { get; set; }
        public string? Owner { get; set; }
    }
}

/// <summary>A taxonomy or lexicon file that cannot be used, with the file and the reason.</summary>
public sealed class KnowledgeFileException(string path, string reason) : Exception($"{path}: {reason}")
{
    public string FilePath { get; } = path;
}
