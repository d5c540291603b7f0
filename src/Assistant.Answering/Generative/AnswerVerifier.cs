using System.Text.RegularExpressions;
using Assistant.Core;

namespace Assistant.Answering.Generative;

/// <summary>Checks what the model wrote against the sources it was given, sentence by sentence, before anyone sees it.</summary>
/// <remarks>A sentence is shown only when it cites given sources and stands on them (<see cref="ISentenceSupport"/>: names,
/// figures and dates in them, close to one of their sentences, not contradicting a matched term on the day). Each cited
/// source becomes a citation whose quote is its sentence that best supports the sentences citing it, cut verbatim from the
/// source. Citations are numbered in order of first use, so a streamed sentence keeps its numbers.</remarks>
/// <param name="ledgerVerdict">The verdict the matched terms' states give on the day asked, when terms matched: a model
/// verdict that contradicts it is refused.</param>
public sealed partial class AnswerVerifier(IReadOnlyList<Passage> sources, bool isTalkingPoint, IReadOnlySet<string> layerIds, ISentenceSupport support,
    string? ledgerVerdict = null)
{
    private readonly List<KeptSentence> _kept = [];

    /// <summary>A sentence shown, the sources it cites (numbers as given to the model) and each one's supporting quote.</summary>
    public sealed record KeptSentence(string Text, int[] Sources, IReadOnlyList<string> Quotes);

    /// <summary>Sentences dropped so far and why (for the answer's <c>dropped</c>, logs and the metric).</summary>
    public List<DroppedSentence> Dropped { get; } = [];

    /// <summary>The sentences kept so far, in order.</summary>
    public IReadOnlyList<KeptSentence> Kept => _kept;

    public IReadOnlySet<string> AllowedVerdicts => isTalkingPoint ? Verdicts.ForTalkingPoints : Verdicts.ForQuestions;

    /// <summary>Verifies one sentence; returns the text shown so far (with citation numbers) when it is kept, or null when it is dropped.</summary>
    public async Task<string?> AddAsync(ModelSentence sentence, CancellationToken ct = default)
    {
        var text = Normalize(InlineMarkers().Replace(sentence.Text ?? "", ""));
        if (text.Length == 0)
            return null;
        var cited = sentence.Sources.Distinct().ToArray();
        if (cited.Length == 0)
            return Drop(DropReasons.CitesNothing, text, "cites no source");
        var missing = cited.Where(n => n < 1 || n > sources.Count).ToList();
        if (missing.Count > 0)
            return Drop(DropReasons.MissingSource, text, $"cites [{string.Join(", ", missing)}], not among the {sources.Count} sources given");
        var passages = cited.Select(n => sources[n - 1]).ToList();
        var result = await support.CheckAsync(text, passages, ct).ConfigureAwait(false);
        if (!result.Supported)
            return Drop(result.Reason!, text, result.Detail ?? result.Reason!);
        _kept.Add(new KeptSentence(text, cited, [.. passages.Select(p => result.Quotes.GetValueOrDefault(p) ?? p.Chunk.Text.Trim())]));
        return Text();
    }

    /// <summary>Drops a kept sentence after the fact (the model check disagreed).</summary>
    public void Reject(KeptSentence sentence, string reason, string detail)
    {
        if (_kept.Remove(sentence))
            Drop(reason, sentence.Text, detail);
    }

    private string? Drop(string reason, string text, string detail)
    {
        Dropped.Add(new DroppedSentence(reason, text, detail));
        AssistantTelemetry.RecordDroppedSentence(reason);
        return null;
    }

    /// <summary>The verified answer; throws when the verdict is not allowed or cannot stand on the sentences left.</summary>
    /// <exception cref="ModelOutputException"/>
    public Answer Finish(ModelAnswer output, Answer baseline)
    {
        var verdict = output.Verdict?.Trim().ToLowerInvariant() ?? "";
        if (!AllowedVerdicts.Contains(verdict))
            throw new ModelOutputException($"the model's verdict '{output.Verdict}' is not one of {string.Join(", ", AllowedVerdicts)}");
        if (ledgerVerdict is not null && Contradicts(verdict, ledgerVerdict))
            throw new ModelOutputException($"the model's verdict '{verdict}' contradicts the terms' states on the day ('{ledgerVerdict}')");
        if (Dropped.FirstOrDefault(d => d.Reason == DropReasons.ContradictsTerms) is { } wrong)
            throw new ModelOutputException($"a sentence the model wrote says the opposite of the terms on the day (\"{wrong.Text}\")");
        if (_kept.Count == 0)
            throw new ModelOutputException(Dropped.Count == 0 ? "the model wrote no sentence" : $"no sentence the model wrote stands on the sources it cites ({Dropped.Count} dropped)");
        var numbers = Numbers();
        var citations = numbers.OrderBy(kv => kv.Value).Select(kv => ToCitation(kv.Value, sources[kv.Key - 1],
            _kept.Where(k => k.Sources.Contains(kv.Key)).Select(k => k.Quotes[Array.IndexOf(k.Sources, kv.Key)]).First())).ToList();
        var layers = output.Layers.Where(layerIds.Contains).Distinct().ToList();
        if (layers.Count == 0)
            layers = [.. baseline.Layers];
        return baseline with
        {
            Text = Text(),
            Verdict = verdict,
            Mode = "generative",
            Layers = layers,
            Citations = citations,
            Findings = isTalkingPoint || baseline.Findings is not null ? Findings(output, numbers) : null,
            Rephrasing = isTalkingPoint && citations.Count > 0 ? _rephrasing : null,
            Dropped = Dropped.Count == 0 ? null : [.. Dropped],
            Notice = null,
        };
    }

    /// <summary>Citation numbers in order of first use by the kept sentences (source number → citation number).</summary>
    private Dictionary<int, int> Numbers()
    {
        var numbers = new Dictionary<int, int>();
        foreach (var n in _kept.SelectMany(k => k.Sources))
            numbers.TryAdd(n, numbers.Count + 1);
        return numbers;
    }

    /// <summary>The kept sentences as shown, each followed by its citation numbers.</summary>
    private string Text()
    {
        var numbers = Numbers();
        return string.Join(' ', _kept.Select(k => k.Text + " " + string.Concat(k.Sources.Select(n => numbers[n]).Order().Select(n => $"[{n}]"))));
    }

    /// <summary>The opposite polarity of the ledger's verdict, or a flat yes where the ledger has only part of it (an
    /// announced, reported or disputed state, or a claim true on one layer only).</summary>
    private static bool Contradicts(string model, string ledger) =>
        Verdicts.Polarity(model) * Verdicts.Polarity(ledger) < 0 || (ledger == Verdicts.Partly && Verdicts.Polarity(model) > 0);

    private IReadOnlyList<LayerFinding>? Findings(ModelAnswer output, Dictionary<int, int> numbers)
    {
        var findings = output.Findings
            .Where(f => layerIds.Contains(f.Layer) && AllowedVerdicts.Contains(f.Verdict))
            .Select(f => new LayerFinding
            {
                Layer = f.Layer,
                Verdict = f.Verdict,
                Citations = f.Sources.Where(numbers.ContainsKey).Select(n => numbers[n]).Distinct().Order().ToList(),
            })
            .ToList();
        return findings.Count == 0 ? null : findings;
    }

    private string? _rephrasing;

    /// <summary>Checks a talking point's rephrasing like a sentence, against the sources the kept sentences cite; it is
    /// offered only when it stands on them.</summary>
    public async Task VerifyRephrasingAsync(string? rephrasing, CancellationToken ct = default)
    {
        _rephrasing = null;
        if (string.IsNullOrWhiteSpace(rephrasing) || _kept.Count == 0)
            return;
        var text = Normalize(InlineMarkers().Replace(rephrasing, ""));
        var passages = _kept.SelectMany(k => k.Sources).Distinct().Select(n => sources[n - 1]).ToList();
        var result = await support.CheckAsync(text, passages, ct).ConfigureAwait(false);
        if (result.Supported)
            _rephrasing = text;
        else
            Drop(result.Reason!, text, "rephrasing: " + (result.Detail ?? result.Reason!));
    }

    private static Citation ToCitation(int n, Passage p, string quote)
    {
        var span = p.Chunk.Sentences.FirstOrDefault(s => p.Chunk.SentenceText(s).Trim() == quote);
        return Citation.Of(n, p, quote, span?.Layers.FirstOrDefault() ?? p.Chunk.Layers.FirstOrDefault());
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
