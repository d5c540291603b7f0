using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Assistant.Answering;
using Assistant.Core;

namespace Assistant.Cli.Evaluation;

/// <summary>Reads JSON Lines files; a line that cannot be read is reported with the file, its number and why.</summary>
public static class Jsonl
{
    public static IReadOnlyList<T> Read<T>(string path, Func<string, T> parse)
    {
        var items = new List<T>();
        var n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                items.Add(parse(line));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                throw new FormatException($"{path}:{n}: {e.Message}", e);
            }
        }
        return items;
    }
}

/// <summary>One item of an evaluation set (shared/eval/README.md).</summary>
public sealed record EvalItem
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required string Question { get; init; }
    public IReadOnlyList<string> History { get; init; } = [];
    public DateOnly? AsOf { get; init; }
    public IReadOnlyList<string> ExpectVerdict { get; init; } = [];
    public IReadOnlyList<string> ExpectLayers { get; init; } = [];
    public IReadOnlyList<IReadOnlyList<string>> ExpectEvidence { get; init; } = [];
    public IReadOnlyList<IReadOnlyList<string>> ExpectMention { get; init; } = [];
    public int? MinSources { get; init; }
    public DateOnly? CiteDateFrom { get; init; }

    /// <summary>The fact or rule the item belongs to (public-2 and later sets), for per-family reporting.</summary>
    public string? Family { get; init; }

    /// <summary>An in-scope item: the sources cover it, so "not covered" would be a wrongful refusal.</summary>
    public bool InScope => !(ExpectVerdict.Count > 0 && ExpectVerdict.All(v => v == Verdicts.NotCovered));

    public bool IsTalkingPoint => Kind == "talking_point";

    /// <summary>Reads a JSONL file; a bad line is reported with its number and field.</summary>
    public static IReadOnlyList<EvalItem> Load(string path) => Jsonl.Read(path, line => Parse(JsonNode.Parse(line)!.AsObject()));

    private static EvalItem Parse(JsonObject o)
    {
        string Req(string key) => o[key]?.GetValue<string>() ?? throw new FormatException($"field '{key}' is missing");
        var expect = o["expect"]?.AsObject() ?? new JsonObject();
        return new EvalItem
        {
            Id = Req("id"),
            Kind = Req("kind"),
            Question = Req("question"),
            History = o["history"]?.AsArray().Select(h => h!.GetValue<string>()).ToList() ?? [],
            AsOf = Date(o["as_of"]),
            ExpectVerdict = Strings(expect["verdict"]),
            ExpectLayers = Strings(expect["layers"]),
            ExpectEvidence = Alternatives(expect["evidence"]),
            ExpectMention = Alternatives(expect["mention"]),
            MinSources = expect["min_sources"]?.GetValue<int>(),
            CiteDateFrom = Date(expect["cite_date_from"]),
            Family = o["family"]?.GetValue<string>(),
        };
    }

    private static DateOnly? Date(JsonNode? n) =>
        n is null ? null : Dates.Parse(n.GetValue<string>(), "date");

    private static IReadOnlyList<string> Strings(JsonNode? n) => n switch
    {
        null => [],
        JsonArray a => a.Select(x => x!.GetValue<string>()).ToList(),
        _ => [n.GetValue<string>()],
    };

    private static IReadOnlyList<IReadOnlyList<string>> Alternatives(JsonNode? n) =>
        n is JsonArray a ? a.Select(x => Strings(x)).ToList() : [];
}

/// <summary>The grade of one answer: each check of the item and whether all held.</summary>
public sealed record EvalGrade(
    EvalItem Item,
    Answer Answer,
    bool VerdictOk,
    bool AbstentionOk,
    double? LayerRecall,
    double? LayerPrecision,
    double? EvidenceRecall,
    double? MentionRecall,
    int Citations,
    int ValidCitations,
    bool MarkersOk,
    bool SourcesOk,
    bool DateOk)
{
    /// <summary>Share of the expected evidence found anywhere in the retrieved passages (null when the item lists none).</summary>
    public double? RetrievalRecall { get; init; }

    /// <summary>A verdict of the opposite polarity: yes/supported where every acceptable verdict with a polarity is
    /// no/contradicted/outdated (and none agrees), or the reverse. Counted strictly: "partly" among the acceptable ones does not excuse it.</summary>
    public bool Inverted
    {
        get
        {
            var given = Polarity(Answer.Verdict);
            return given != 0 && Item.ExpectVerdict.Any(v => Polarity(v) == -given) && !Item.ExpectVerdict.Any(v => Polarity(v) == given);
        }
    }

    /// <summary>An in-scope item answered "not covered".</summary>
    public bool WrongfulRefusal => Item.InScope && Answer.Verdict == Verdicts.NotCovered;

    private static int Polarity(string verdict) => Verdicts.Polarity(verdict);

    public bool Passed =>
        VerdictOk && AbstentionOk && LayerRecall is null or 1.0 && EvidenceRecall is null or 1.0 && MentionRecall is null or 1.0
        && ValidCitations == Citations && MarkersOk && SourcesOk && DateOk;

    public IEnumerable<string> Failures()
    {
        if (!VerdictOk)
            yield return $"verdict {Answer.Verdict}, expected {string.Join("|", Item.ExpectVerdict)}";
        if (!AbstentionOk)
            yield return $"abstained={Answer.Abstained}";
        if (LayerRecall < 1)
            yield return $"layers [{string.Join(",", Answer.Layers)}], expected [{string.Join(",", Item.ExpectLayers)}]";
        if (EvidenceRecall < 1)
            yield return "evidence missing";
        if (MentionRecall < 1)
            yield return "mention missing";
        if (ValidCitations < Citations)
            yield return $"{Citations - ValidCitations} citation(s) not verbatim";
        if (!MarkersOk)
            yield return "a [n] marker has no citation";
        if (!SourcesOk)
            yield return $"fewer than {Item.MinSources} sources";
        if (!DateOk)
            yield return $"no citation dated on or after {(Item.CiteDateFrom is { } d ? Dates.Iso(d) : "")}";
    }
}

/// <summary>The metrics `assistant eval` prints.</summary>
public sealed record EvalMetrics(
    int Items,
    double PassRate,
    double VerdictAccuracy,
    double AbstentionAccuracy,
    double LayerRecall,
    double LayerPrecision,
    double EvidenceRecall,
    double MentionRecall,
    double CitationValidity,
    double LatencyP50,
    double LatencyP95,
    double RetrievalRecall,
    int Inverted,
    int WrongfulRefusals)
{
    public static EvalMetrics From(IReadOnlyList<EvalGrade> grades)
    {
        static double Mean(IEnumerable<double?> xs) => xs.OfType<double>().DefaultIfEmpty(1).Average();
        var latencies = grades.Select(g => g.Answer.LatencyMs).Order().ToList();
        var citations = grades.Sum(g => g.Citations);
        return new EvalMetrics(
            grades.Count,
            grades.Count(g => g.Passed) / (double)Math.Max(1, grades.Count),
            grades.Count(g => g.VerdictOk) / (double)Math.Max(1, grades.Count),
            grades.Count(g => g.AbstentionOk) / (double)Math.Max(1, grades.Count),
            Mean(grades.Select(g => g.LayerRecall)),
            Mean(grades.Select(g => g.LayerPrecision)),
            Mean(grades.Select(g => g.EvidenceRecall)),
            Mean(grades.Select(g => g.MentionRecall)),
            citations == 0 ? 1 : grades.Sum(g => g.ValidCitations) / (double)citations,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.95),
            Mean(grades.Select(g => g.RetrievalRecall)),
            grades.Count(g => g.Inverted),
            grades.Count(g => g.WrongfulRefusal));
    }

    /// <summary>Pass rate per family (items without one are grouped as "(none)").</summary>
    public static IReadOnlyList<(string Family, int Items, int Passed, int Inverted, int Refused)> ByFamily(IReadOnlyList<EvalGrade> grades) =>
        grades.GroupBy(g => g.Item.Family ?? "(none)")
            .Select(g => (g.Key, g.Count(), g.Count(x => x.Passed), g.Count(x => x.Inverted), g.Count(x => x.WrongfulRefusal)))
            .ToList();

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>Grades answers against eval items with the matching rules of the contract.</summary>
public sealed partial class EvalGrader(CitationValidator validator)
{
    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Marker();

    public EvalGrade Grade(EvalItem item, Answer answer)
    {
        var expectAbstain = item.ExpectVerdict.Contains(Verdicts.NotCovered) && item.ExpectVerdict.Count == 1;
        var cited = answer.Citations.SelectMany(c => new[] { Normalize(c.Quote), Normalize(c.Passage) }).ToList();
        var text = Normalize(answer.Text);
        double? Recall(IReadOnlyList<IReadOnlyList<string>> expected, Func<string, bool> found) =>
            expected.Count == 0 ? null : expected.Count(alts => alts.Any(a => found(Normalize(a)))) / (double)expected.Count;
        var layers = answer.Layers.ToHashSet();
        var numbers = answer.Citations.Select(c => c.N).ToHashSet();
        return new EvalGrade(
            item,
            answer,
            item.ExpectVerdict.Count == 0 || item.ExpectVerdict.Contains(answer.Verdict),
            answer.Abstained == expectAbstain,
            item.ExpectLayers.Count == 0 ? null : item.ExpectLayers.Count(layers.Contains) / (double)item.ExpectLayers.Count,
            item.ExpectLayers.Count == 0 || layers.Count == 0 ? null : layers.Count(item.ExpectLayers.Contains) / (double)layers.Count,
            Recall(item.ExpectEvidence, e => cited.Any(c => c.Contains(e, StringComparison.Ordinal))),
            Recall(item.ExpectMention, m => text.Contains(m, StringComparison.Ordinal)),
            answer.Citations.Count,
            answer.Citations.Count(validator.IsVerbatim),
            Marker().Matches(answer.Text).All(m => numbers.Contains(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))),
            item.MinSources is not { } min || answer.Citations.Select(c => c.DocId).Distinct().Count() >= min,
            item.CiteDateFrom is not { } from || answer.Citations.Any(c => string.CompareOrdinal(c.Date, Dates.Iso(from)) >= 0));
    }

    /// <summary>Case-insensitive, whitespace collapsed, typographic quotes and dashes folded.</summary>
    public static string Normalize(string s) => TextFolding.Fold(s);
}

/// <summary>Checks that a citation's quote occurs verbatim in the file it names (markdown emphasis and list markers aside).</summary>
public sealed class CitationValidator(string root)
{
    private readonly Dictionary<string, string?> _files = [];

    public bool IsVerbatim(Citation c)
    {
        var file = Load(c.Path);
        return file is not null && file.Contains(QuoteText.Clean(c.Quote), StringComparison.Ordinal);
    }

    private string? Load(string path)
    {
        if (_files.TryGetValue(path, out var text))
            return text;
        var full = Path.GetFullPath(Path.Combine(root, path));
        text = full.StartsWith(Path.GetFullPath(root), StringComparison.Ordinal) && File.Exists(full) ? QuoteText.Clean(File.ReadAllText(full)) : null;
        _files[path] = text;
        return text;
    }
}

/// <summary>Runs an evaluation set through an answerer, conversation by conversation.</summary>
/// <remarks>Retrieval recall is measured on the extractive answerer's retrieval, which both modes share.</remarks>
public sealed class EvalRunner(IAnswerer answerer, IRetriever retriever, EvalGrader grader)
{
    public async Task<IReadOnlyList<EvalGrade>> RunAsync(IReadOnlyList<EvalItem> items, IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var grades = new List<EvalGrade>();
        foreach (var item in items)
        {
            var request = new AskRequest(item.Question) { AsOf = item.AsOf, IsTalkingPoint = item.IsTalkingPoint, Id = item.Id };
            var (answer, _) = await answerer.AnswerAsync(request with { History = ConversationTurn.FromQuestions(item.History) }, ct).ConfigureAwait(false);
            var passages = item.ExpectEvidence.Count == 0 ? []
                : (await retriever.RetrieveAsync(new ResolvedQuestion(item.Question, string.Join(' ', item.History)), item.IsTalkingPoint, item.AsOf, ct).ConfigureAwait(false)).Passages;
            var retrieved = passages.Select(p => EvalGrader.Normalize(p.Chunk.Text)).ToList();
            grades.Add(grader.Grade(item, answer) with
            {
                RetrievalRecall = item.ExpectEvidence.Count == 0 ? null
                    : item.ExpectEvidence.Count(alts => alts.Any(a => retrieved.Any(r => r.Contains(EvalGrader.Normalize(a), StringComparison.Ordinal)))) / (double)item.ExpectEvidence.Count,
            });
            progress?.Report((grades.Count, items.Count));
        }
        return grades;
    }
}
