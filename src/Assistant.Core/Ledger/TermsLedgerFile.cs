using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Assistant.Core.Ledger;

/// <summary>Reads corpus/terms.yaml; a malformed entry is refused naming the term and the field.</summary>
public static class TermsLedgerFile
{
    public const string FileName = "terms.yaml";

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    /// <summary>The ledger beside the corpus, or an empty one when the corpus has no terms.yaml.</summary>
    public static TermsLedger Load(string corpusDir)
    {
        var path = Path.Combine(corpusDir, FileName);
        if (!File.Exists(path))
            return TermsLedger.Empty;
        FileModel file;
        try
        {
            file = Yaml.Deserialize<FileModel>(File.ReadAllText(path)) ?? new FileModel();
        }
        catch (YamlException e)
        {
            throw new KnowledgeFileException(path, $"invalid YAML at line {e.Start.Line}: {(e.InnerException ?? e).Message}");
        }
        var terms = new List<Term>();
        foreach (var (t, i) in (file.Terms ?? []).Select((t, i) => (t, i)))
            terms.Add(ToTerm(path, t, i));
        return new TermsLedger(terms);
    }

    private static Term ToTerm(string path, TermModel t, int index)
    {
        var name = string.IsNullOrWhiteSpace(t.Id) ? $"terms[{index}]" : $"term '{t.Id}'";
        string Required(string? value, string field) =>
            string.IsNullOrWhiteSpace(value) ? throw new KnowledgeFileException(path, $"{name}: field '{field}' is missing") : value.Trim();
        var states = (t.States ?? []).Select((s, i) => ToState(path, name, s, i)).ToList();
        return new Term
        {
            Id = Required(t.Id, "id"),
            Layer = Required(t.Layer, "layer"),
            Statement = Required(t.Statement, "statement"),
            Phrasings = t.Phrasings ?? [],
            Parties = t.Parties ?? [],
            Platforms = t.Platforms ?? [],
            States = states.Count > 0 ? states : throw new KnowledgeFileException(path, $"{name}: field 'states' is missing or empty"),
        };
    }

    private static TermState ToState(string path, string term, StateModel s, int index)
    {
        var at = $"{term}, states[{index}]";
        var status = s.Status?.Trim() switch
        {
            "in_force" => TermStatus.InForce,
            "ended" => TermStatus.Ended,
            "announced" => TermStatus.Announced,
            "reported" => TermStatus.Reported,
            "disputed" => TermStatus.Disputed,
            "not_in_force" => TermStatus.NotInForce,
            var other => throw new KnowledgeFileException(path,
                $"{at}: status '{other}' is not one of in_force, ended, announced, reported, disputed, not_in_force"),
        };
        if (!Dates.TryParse(s.From, out var from))
            throw new KnowledgeFileException(path, $"{at}: 'from' ('{s.From}') is not a date of the form YYYY-MM-DD");
        var sources = (s.Sources ?? []).Select((src, i) => new TermSource(
            string.IsNullOrWhiteSpace(src.Doc) ? throw new KnowledgeFileException(path, $"{at}, sources[{i}]: field 'doc' is missing") : src.Doc.Trim(),
            string.IsNullOrWhiteSpace(src.Quote) ? throw new KnowledgeFileException(path, $"{at}, sources[{i}]: field 'quote' is missing") : src.Quote.Trim())).ToList();
        if (sources.Count == 0)
            throw new KnowledgeFileException(path, $"{at}: every state needs at least one source (doc + verbatim quote)");
        return new TermState
        {
            Status = status,
            From = from,
            ReplacedBy = string.IsNullOrWhiteSpace(s.ReplacedBy) ? null : s.ReplacedBy.Trim(),
            By = string.IsNullOrWhiteSpace(s.By) ? null : s.By.Trim(),
            Figures = s.Figures ?? [],
            Sources = sources,
        };
    }

    private sealed class FileModel
    {
        public List<TermModel>? Terms { get; set; }
    }

    private sealed class TermModel
    {
        public string? Id { get; set; }
        public string? Layer { get; set; }
        public string? Statement { get; set; }
        public List<string>? Phrasings { get; set; }
        public List<string>? Parties { get; set; }
        public List<string>? Platforms { get; set; }
        public List<StateModel>? States { get; set; }
    }

    private sealed class StateModel
    {
        public string? Status { get; set; }
        public string? From { get; set; }
        public string? ReplacedBy { get; set; }
        public string? By { get; set; }
        public List<string>? Figures { get; set; }
        public List<SourceModel>? Sources { get; set; }
    }

    private sealed class SourceModel
    {
        public string? Doc { get; set; }
        public string? Quote { get; set; }
    }
}
