using System.Globalization;
using System.Text;
using Assistant.Core;

namespace Assistant.Answering;

/// <summary>Writes the extractive answer: a verdict line, one short paragraph per layer, every sentence a cited source sentence.</summary>
public sealed class AnswerComposer(LayerTaxonomy taxonomy, EvidenceSelector selector)
{
    /// <summary>At most this many sentences: a reader on a sales call should get the point in ten seconds.</summary>
    public const int MaxSentences = 5;

    private const double PrimaryShare = 0.6;

    /// <summary>Sentences shown for each layer's verdict.</summary>
    private const int DecidingPerLayer = 2;

    /// <summary>Sentences scoring this close to the best one lead the answer and set its layers.</summary>
    private const double LeadShare = 0.75;

    public sealed record Composition(string Text, IReadOnlyList<Citation> Citations, IReadOnlyList<string> Layers, IReadOnlyList<Evidence> Shown, string? Rephrasing);

    public Composition Compose(AnalyzedQuestion q, IReadOnlyList<Evidence> ranked, string verdict, IReadOnlyList<LayerVerdict> layerVerdicts, DateOnly? asOf)
    {
        var shown = Choose(q, ranked, layerVerdicts);
        var superseded = layerVerdicts.SelectMany(l => l.Superseded).ToHashSet();
        var newer = Newer(shown, ranked);
        foreach (var n in newer.Values.Distinct())
        {
            if (!shown.Contains(n) && shown.Count < MaxSentences + 1)
                shown.Add(n);
        }
        var olderOf = newer.ToDictionary(kv => kv.Key, kv => kv.Value);
        // What took the place of older sources: a later figure, or what decided a layer over superseded evidence.
        var superseding = newer.Values.Concat(layerVerdicts.Where(l => l.Superseded.Count > 0).SelectMany(l => l.Deciding)).ToHashSet();

        var citations = new List<Citation>();
        var numberOf = new Dictionary<Evidence, int>();
        int Cite(Evidence e)
        {
            if (numberOf.TryGetValue(e, out var n))
                return n;
            n = citations.Count + 1;
            numberOf[e] = n;
            citations.Add(ToCitation(n, e, PrimaryLayer(q, e)));
            return n;
        }

        var sb = new StringBuilder();
        var lead = VerdictLine(q.Form, verdict);
        if (lead is not null)
            sb.Append(lead).Append("\n\n");

        // A sentence that decided a layer (or was superseded on it) is shown under that layer.
        var verdictLayer = new Dictionary<Evidence, string>();
        foreach (var lv in layerVerdicts.OrderBy(l => q.FocusLayers.Contains(l.Layer) ? 0 : 1))
        {
            foreach (var e in lv.Deciding.Take(DecidingPerLayer).Concat(lv.Superseded.Take(1)))
                verdictLayer.TryAdd(e, lv.Layer);
        }
        var groups = shown
            .GroupBy(e => verdictLayer.TryGetValue(e, out var l) ? l : PrimaryLayer(q, e))
            .OrderByDescending(g => g.Max(e => e.Score))
            .ToList();
        var labelled = groups.Count > 1;
        foreach (var g in groups)
        {
            var line = new StringBuilder();
            if (labelled)
                line.Append("**").Append(taxonomy.NameOf(g.Key)).Append(":** ");
            var ordered = g.Any(e => superseded.Contains(e) || olderOf.ContainsKey(e) || olderOf.ContainsValue(e))
                ? g.OrderBy(e => e.Document.Date).ThenByDescending(e => e.Score)
                : g.OrderByDescending(e => e.Score).AsEnumerable();
            var items = ordered.ToList();
            var newestInGroup = items.Max(e => e.Document.Date);
            DateOnly? lastPrefix = null;
            foreach (var e in items)
            {
                var isOld = (superseded.Contains(e) || olderOf.ContainsKey(e)) && e.Document.Date < newestInGroup;
                var isNew = !isOld && superseding.Contains(e) && items.Any(o => (superseded.Contains(o) || olderOf.ContainsKey(o)) && o.Document.Date < e.Document.Date);
                if (isOld)
                    line.Append("Earlier (").Append(Day(e.Document.Date)).Append("): ");
                else if (isNew && lastPrefix != e.Document.Date)
                    line.Append("Since ").Append(Day(e.Document.Date)).Append(": ");
                if (isNew)
                    lastPrefix = e.Document.Date;
                line.Append(Sentence(e.Quote));
                if (e.Document.Confidence == Confidence.Low)
                    line.Append(" (").Append(e.Document.Publisher ?? "a single source").Append(", low confidence)");
                line.Append(" [").Append(Cite(e)).Append("] ");
            }
            sb.Append(line.ToString().TrimEnd()).Append("\n\n");
        }

        var dates = citations.Select(c => c.Date).Order(StringComparer.Ordinal).ToList();
        sb.Append("As of ").Append((asOf is { } day ? Dates.Iso(day) : null) ?? dates.LastOrDefault() ?? "today");
        if (dates.Count > 0)
            sb.Append(dates[0] == dates[^1] ? $" (source dated {dates[0]})" : $" (sources dated {dates[0]} to {dates[^1]})");
        sb.Append('.');

        var layers = AnswerLayers(q, shown, layerVerdicts);
        var rephrasing = q.Form == QuestionForm.Claim ? Rephrase(layerVerdicts, numberOf) : null;
        return new Composition(sb.ToString().Trim(), citations, layers, shown, rephrasing);
    }

    /// <summary>The primary sentences, plus whatever decided each layer's verdict and what it superseded.</summary>
    private static List<Evidence> Choose(AnalyzedQuestion q, IReadOnlyList<Evidence> ranked, IReadOnlyList<LayerVerdict> layerVerdicts)
    {
        var best = ranked[0].Score;
        // For a verdict, what decided each layer comes first; the best of the rest fills up.
        var shown = layerVerdicts.Count > 0 ? [] : ranked.Where(e => e.Score >= PrimaryShare * best).Take(3).ToList();
        foreach (var lv in layerVerdicts)
        {
            foreach (var e in lv.Deciding.Take(DecidingPerLayer).Concat(lv.Superseded.Take(1)))
            {
                if (!shown.Contains(e) && shown.Count < MaxSentences)
                    shown.Add(e);
            }
        }
        foreach (var e in ranked.Where(e => e.Score >= PrimaryShare * best).Take(3))
        {
            if (!shown.Contains(e) && shown.Count < MaxSentences)
                shown.Add(e);
        }
        // Two sources saying the same thing: keep the better scored one, unless the question asks for several.
        return shown.Where((e, i) => !shown.Take(i).Any(o => Overlap(o.Quote, e.Quote) > 0.8)).ToList();
    }

    /// <summary>For each shown sentence, a newer candidate on the same topic that states something else (a later figure, a changed term).</summary>
    private static Dictionary<Evidence, Evidence> Newer(List<Evidence> shown, IReadOnlyList<Evidence> ranked)
    {
        var result = new Dictionary<Evidence, Evidence>();
        foreach (var e in shown)
        {
            var amounts = QuestionAnalyzer.Amounts(e.Quote);
            var candidate = ranked
                .Where(r => r.Document.Date.DayNumber - e.Document.Date.DayNumber > VerdictRules.SamePeriodDays && r.Relevance >= 0.5 * e.Relevance && r.Relevance > 0)
                .Where(r => amounts.Count > 0 && QuestionAnalyzer.Amounts(r.Quote) is { Count: > 0 } other && !other.Intersect(amounts).Any())
                .Where(r => Overlap(r.Quote, e.Quote) >= 0.25)
                .OrderByDescending(r => r.Document.Date)
                .FirstOrDefault();
            if (candidate is not null)
                result[e] = candidate;
        }
        return result;
    }

    internal static double Overlap(string a, string b)
    {
        var x = Terms.Content(a).ToHashSet();
        var y = Terms.Content(b).ToHashSet();
        return x.Count == 0 || y.Count == 0 ? 0 : (double)x.Intersect(y).Count() / Math.Min(x.Count, y.Count);
    }

    /// <summary>
    /// The layers the answer speaks about: each leading sentence's main layer, the layers the question names,
    /// the layers a verdict was reached on, and both sides of a sentence that contrasts two layers ("…, while …").
    /// </summary>
    private IReadOnlyList<string> AnswerLayers(AnalyzedQuestion q, IReadOnlyList<Evidence> shown, IReadOnlyList<LayerVerdict> verdicts)
    {
        var best = shown.Max(e => e.Score);
        var layers = new List<string>();
        foreach (var e in shown.Where(e => e.Score >= LeadShare * best))
        {
            layers.AddRange(e.Layers.Take(1));
            layers.AddRange(e.Layers.Intersect(q.FocusLayers));
            layers.AddRange(selector.ClauseLayers(e));
        }
        foreach (var v in verdicts)
        {
            layers.Add(v.Layer);
            // The sentence that decided a layer names every layer it speaks about ("beyond funding into operational partnerships").
            layers.AddRange(v.Deciding.Take(1).SelectMany(e => e.Clauses.Where(c => c.Layers.Contains(v.Layer)).SelectMany(c => c.Layers)));
        }
        return taxonomy.Order(layers.Where(l => !q.AvoidLayers.Contains(l) || q.FocusLayers.Contains(l)));
    }

    private static string PrimaryLayer(AnalyzedQuestion q, Evidence e)
    {
        var candidates = e.Clauses.SelectMany(c => c.Layers).Concat(e.Layers).ToList();
        return candidates.FirstOrDefault(q.FocusLayers.Contains) ?? candidates.FirstOrDefault() ?? e.Document.Layers.FirstOrDefault() ?? "market";
    }

    private static string? VerdictLine(QuestionForm form, string verdict) => verdict switch
    {
        Verdicts.Yes => "Yes.",
        Verdicts.No => "No.",
        Verdicts.Partly when form == QuestionForm.Claim => "Partly true: it depends on the layer.",
        Verdicts.Partly => "Partly: it depends on the layer.",
        Verdicts.Supported => "Supported by the sources.",
        Verdicts.Contradicted => "Contradicted by the sources.",
        Verdicts.Outdated => "Outdated: true per older sources, superseded by newer ones.",
        _ => null,
    };

    private string? Rephrase(IReadOnlyList<LayerVerdict> verdicts, Dictionary<Evidence, int> numbers)
    {
        var parts = verdicts
            .Select(v => v.Deciding.FirstOrDefault(numbers.ContainsKey))
            .OfType<Evidence>()
            .Distinct()
            .Select(e => $"{Sentence(e.Quote)} [{numbers[e]}]")
            .ToList();
        return parts.Count == 0 ? null : "Per the sources: " + string.Join(' ', parts);
    }

    internal static Citation ToCitation(int n, Evidence e, string layer) => Citation.Of(n, e.Passage, e.Quote, layer);

    /// <summary>A quote as it reads inside the answer: single-spaced, ending with punctuation.</summary>
    private static string Sentence(string quote)
    {
        var s = string.Join(' ', quote.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return s.Length > 0 && !".!?:".Contains(s[^1]) ? s + "." : s;
    }

    internal static string Day(DateOnly d) => d.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
