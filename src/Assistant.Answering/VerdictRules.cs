using Assistant.Core;

namespace Assistant.Answering;

/// <summary>The verdict on one layer: which evidence decided it and which older evidence it supersedes.</summary>
public sealed record LayerVerdict(string Layer, string Verdict, IReadOnlyList<Evidence> Deciding, IReadOnlyList<Evidence> Superseded);

/// <summary>Turns clause stances into per-layer and overall verdicts, letting newer sources supersede older ones.</summary>
public static class VerdictRules
{
    /// <summary>Sources this close to the newest one count as the same news cycle, not as superseding it.</summary>
    public const int SamePeriodDays = 7;

    public static (string Verdict, IReadOnlyList<LayerVerdict> Layers) Decide(AnalyzedQuestion q, IReadOnlyList<Evidence> evidence, StanceDetector.ClaimFeatures claim)
    {
        if (q.Form == QuestionForm.Open)
            return (Verdicts.Info, []);
        var restrictive = claim.Restrictive;
        var findings = evidence
            .SelectMany(e => e.Clauses.SelectMany(c => c.Layers.Select(l => (Layer: l, Clause: c, Evidence: e))))
            .ToList();
        findings.AddRange(LaterFigures(evidence, claim));
        if (q.FocusLayers.Count > 0 && findings.Any(f => q.FocusLayers.Contains(f.Layer)))
            findings = findings.Where(f => q.FocusLayers.Contains(f.Layer)).ToList();
        if (q.AvoidLayers.Count > 0 && findings.Any(f => !q.AvoidLayers.Contains(f.Layer)))
            findings = findings.Where(f => !q.AvoidLayers.Contains(f.Layer)).ToList();

        var layers = new List<LayerVerdict>();
        foreach (var group in findings.GroupBy(f => f.Layer))
        {
            var newestDate = group.Max(f => f.Evidence.Document.Date);
            var recent = group.Where(f => newestDate.DayNumber - f.Evidence.Document.Date.DayNumber <= SamePeriodDays).ToList();
            // One firm counter-example falsifies "only"/"purely"/"exclusive"; otherwise the source that answers the
            // question most directly (the best scored sentence) decides, ties going against the claim.
            var strongest = recent.MaxBy(f => (f.Evidence.Score, f.Clause.Stance == Stance.Contradicts ? 1 : 0));
            var contradicted = recent.Any(f => f.Clause.Stance == Stance.Contradicts) && (restrictive || strongest.Clause.Stance == Stance.Contradicts);
            var stance = contradicted ? Stance.Contradicts : Stance.Supports;
            var deciding = recent.Where(f => f.Clause.Stance == stance).Select(f => f.Evidence).Distinct().OrderByDescending(e => e.Score).ToList();
            var cutoff = recent.Min(f => f.Evidence.Document.Date);
            var superseded = group
                .Where(f => f.Evidence.Document.Date < cutoff && f.Clause.Stance != stance)
                .Select(f => f.Evidence).Distinct().OrderByDescending(e => e.Score).ToList();
            var verdict = q.Form == QuestionForm.Claim
                ? (contradicted ? (superseded.Count > 0 ? Verdicts.Outdated : Verdicts.Contradicted) : Verdicts.Supported)
                : (contradicted ? Verdicts.No : Verdicts.Yes);
            layers.Add(new LayerVerdict(group.Key, verdict, deciding, superseded));
        }
        layers = layers.OrderBy(l => LayerTaxonomy.IndexOf(l.Layer)).ToList();
        return (Combine(q.Form, layers.Select(l => l.Verdict).Distinct().ToList()), layers);
    }

    /// <summary>A later source on the same topic with another figure supersedes an older source that agreed with the claim's figure.</summary>
    private static IEnumerable<(string Layer, ClauseFinding Clause, Evidence Evidence)> LaterFigures(IReadOnlyList<Evidence> evidence, StanceDetector.ClaimFeatures claim)
    {
        if (claim.Amounts.Count == 0)
            yield break;
        var agreeing = evidence.Where(e => e.Supports).ToList();
        foreach (var later in evidence)
        {
            var amounts = QuestionAnalyzer.Amounts(later.Quote);
            if (amounts.Count == 0 || StanceDetector.AmountsAgree(claim.Amounts, amounts))
                continue;
            var older = agreeing.FirstOrDefault(a => later.Document.Date.DayNumber - a.Document.Date.DayNumber > SamePeriodDays
                && AnswerComposer.Overlap(a.Quote, later.Quote) >= 0.4);
            if (older is null)
                continue;
            foreach (var layer in older.Clauses.Where(c => c.Stance == Stance.Supports).SelectMany(c => c.Layers).Distinct())
                yield return (layer, new ClauseFinding(Stance.Contradicts, [layer], "a later figure", later.Relevance), later);
        }
    }

    internal static string Combine(QuestionForm form, IReadOnlyList<string> verdicts)
    {
        if (form == QuestionForm.Claim)
        {
            if (verdicts.Count == 0)
                return Verdicts.NotCovered;
            if (verdicts.Count == 1)
                return verdicts[0];
            if (verdicts.Contains(Verdicts.Supported))
                return Verdicts.Partly;
            return verdicts.Contains(Verdicts.Outdated) ? Verdicts.Outdated : Verdicts.Contradicted;
        }
        return verdicts.Count switch
        {
            0 => Verdicts.Info,
            1 => verdicts[0],
            _ => Verdicts.Partly,
        };
    }

}
