using System.Text.RegularExpressions;
using Assistant.Core;

namespace Assistant.Answering.Generative;

/// <summary>Checks what the model wrote against the sources it was given, sentence by sentence, before anyone sees it.</summary>
/// <remarks>A sentence citing nothing, or a number that was not given, is dropped. Each cited source becomes a
/// citation whose quote is the source sentence that best supports the claims citing it, cut verbatim from the
/// source. Citations are numbered in order of first use, so a streamed sentence keeps its numbers.</remarks>
/// <param name="ledgerVerdict">The verdict the matched terms' states give on the day asked, when terms matched: a model
/// verdict that contradicts it is refused.</param>
public sealed partial class AnswerVerifier(IReadOnlyList<Passage> sources, bool isTalkingPoint, IReadOnlySet<string> layerIds, string? ledgerVerdict = null)
{
    private readonly List<(string Text, int[] Sources)> _kept = [];
    private readonly Dictionary<int, int> _numbers = [];

    /// <summary>Sentences dropped so far and why (for logs and the answer's notice).</summary>
    public List<string> Dropped { get; } = [];

    public IReadOnlySet<string> AllowedVerdicts => isTalkingPoint ? Verdicts.ForTalkingPoints : Verdicts.ForQuestions;

    /// <summary>Verifies one sentence; returns it as shown (with its citation numbers) or null when it is dropped.</summary>
    public string? Add(ModelSentence sentence)
    {
        var text = Normalize(InlineMarkers().Replace(sentence.Text ?? "", ""));
        if (text.Length == 0)
            return null;
        var cited = sentence.Sources.Distinct().ToArray();
        if (cited.Length == 0)
        {
            Dropped.Add($"cites no source: \"{text}\"");
            return null;
        }
        var missing = cited.Where(n => n < 1 || n > sources.Count).ToList();
        if (missing.Count > 0)
        {
            Dropped.Add($"cites [{string.Join(", ", missing)}], not among the {sources.Count} sources given: \"{text}\"");
            return null;
        }
        foreach (var n in cited)
            _numbers.TryAdd(n, _numbers.Count + 1);
        _kept.Add((text, cited));
        return Render(text, cited);
    }

    /// <summary>The verified answer; throws when the verdict is not allowed or no sentence survived.</summary>
    /// <exception cref="ModelOutputException"/>
    public Answer Finish(ModelAnswer output, Answer baseline)
    {
        var verdict = output.Verdict?.Trim().ToLowerInvariant() ?? "";
        if (!AllowedVerdicts.Contains(verdict))
            throw new ModelOutputException($"the model's verdict '{output.Verdict}' is not one of {string.Join(", ", AllowedVerdicts)}");
        if (ledgerVerdict is not null && Contradicts(verdict, ledgerVerdict))
            throw new ModelOutputException($"the model's verdict '{verdict}' contradicts the terms' states on the day ('{ledgerVerdict}')");
        if (_kept.Count == 0)
            throw new ModelOutputException(Dropped.Count == 0 ? "the model wrote no sentence" : $"no sentence the model wrote cites a given source ({Dropped.Count} dropped)");
        var byNumber = _numbers.OrderBy(kv => kv.Value).ToList();
        var citations = byNumber.Select(kv => ToCitation(kv.Value, sources[kv.Key - 1],
            _kept.Where(k => k.Sources.Contains(kv.Key)).Select(k => k.Text))).ToList();
        var layers = output.Layers.Where(layerIds.Contains).Distinct().ToList();
        if (layers.Count == 0)
            layers = [.. baseline.Layers];
        return baseline with
        {
            Text = string.Join(' ', _kept.Select(k => Render(k.Text, k.Sources))),
            Verdict = verdict,
            Mode = "generative",
            Layers = layers,
            Citations = citations,
            Findings = isTalkingPoint || baseline.Findings is not null ? Findings(output) : null,
            Rephrasing = isTalkingPoint ? Rephrasing(output.Rephrasing, citations) : null,
            Notice = null,
        };
    }

    /// <summary>The opposite polarity of the ledger's verdict, or a flat yes where the ledger has only part of it (an
    /// announced, reported or disputed state, or a claim true on one layer only).</summary>
    private static bool Contradicts(string model, string ledger) =>
        Verdicts.Polarity(model) * Verdicts.Polarity(ledger) < 0 || (ledger == Verdicts.Partly && Verdicts.Polarity(model) > 0);

    private IReadOnlyList<LayerFinding>? Findings(ModelAnswer output)
    {
        var findings = output.Findings
            .Where(f => layerIds.Contains(f.Layer) && AllowedVerdicts.Contains(f.Verdict))
            .Select(f => new LayerFinding
            {
                Layer = f.Layer,
                Verdict = f.Verdict,
                Citations = f.Sources.Where(_numbers.ContainsKey).Select(n => _numbers[n]).Distinct().Order().ToList(),
            })
            .ToList();
        return findings.Count == 0 ? null : findings;
    }

    // A rephrasing is only offered when the answer has sources to stand on.
    private static string? Rephrasing(string? text, IReadOnlyList<Citation> citations) =>
        string.IsNullOrWhiteSpace(text) || citations.Count == 0 ? null : Normalize(InlineMarkers().Replace(text, ""));

    private string Render(string text, int[] cited) =>
        text + " " + string.Concat(cited.Select(n => _numbers[n]).Order().Select(n => $"[{n}]"));

    private static Citation ToCitation(int n, Passage p, IEnumerable<string> claims)
    {
        var claimTerms = claims.SelectMany(Terms.Content).ToHashSet(StringComparer.Ordinal);
        var best = p.Chunk.Sentences
            .Select(s => (Span: s, Text: p.Chunk.SentenceText(s)))
            .Where(s => s.Text.Trim().Length > 0)
            .MaxBy(s =>
            {
                var terms = Terms.Content(s.Text).ToList();
                return terms.Distinct().Count(claimTerms.Contains) / Math.Sqrt(1 + terms.Count);
            });
        var quote = (best.Text ?? p.Chunk.Text).Trim();
        var layer = best.Span?.Layers.FirstOrDefault() ?? p.Chunk.Layers.FirstOrDefault();
        return Citation.Of(n, p, quote, layer);
    }

    private static string Normalize(string s)
    {
        s = string.Join(' ', s.Split((char[])[' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries));
        return s.Length > 0 && !".!?:".Contains(s[^1]) ? s + "." : s;
    }

    // Models often put "[2]" or "[1, 3]" into the text as well; numbers are re-added from "sources".
    [GeneratedRegex(@"\s*\[\d+(?:\s*,\s*\d+)*\]")]
    private static partial Regex InlineMarkers();
}
