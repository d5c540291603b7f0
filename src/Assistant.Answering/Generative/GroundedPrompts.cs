using System.Globalization;
using System.Text;
using Assistant.Core;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.AzureOpenAI;

namespace Assistant.Answering.Generative;

/// <summary>The prompt templates of prompts/, loaded by Semantic Kernel, and the numbered sources they are given.</summary>
public sealed class GroundedPrompts
{
    public const string PluginFolder = "Assistant";
    public const string SystemFile = "system.txt";

    private readonly KernelPlugin _plugin;

    private GroundedPrompts(KernelPlugin plugin, string system)
    {
        _plugin = plugin;
        System = system;
    }

    /// <summary>The rendered rules (prompts/system.txt), the same for every question.</summary>
    public string System { get; }

    public KernelFunction Answer => _plugin["Answer"];
    public KernelFunction CheckTalkingPoint => _plugin["CheckTalkingPoint"];
    public KernelFunction CondenseFollowUp => _plugin["CondenseFollowUp"];
    public KernelFunction CheckSupport => _plugin["CheckSupport"];

    /// <summary>Loads prompts/system.txt and the function folders under prompts/Assistant; names the missing file.</summary>
    public static async Task<GroundedPrompts> LoadAsync(Kernel kernel, string folder, LayerTaxonomy taxonomy, CancellationToken ct = default)
    {
        var systemPath = Path.Combine(folder, SystemFile);
        var pluginPath = Path.Combine(folder, PluginFolder);
        foreach (var f in new[] { "Answer", "CheckTalkingPoint", "CondenseFollowUp", "CheckSupport" }.Select(f => Path.Combine(pluginPath, f, "skprompt.txt")).Prepend(systemPath))
        {
            if (!File.Exists(f))
                throw new FileNotFoundException($"Prompt template missing: {f} (set Assistant__Prompts to the prompts folder)", f);
        }
        var plugin = kernel.CreatePluginFromPromptDirectory(pluginPath, PluginFolder);
        var template = new KernelPromptTemplateFactory().Create(new PromptTemplateConfig(await File.ReadAllTextAsync(systemPath, ct).ConfigureAwait(false)));
        var layers = string.Join("; ", taxonomy.Layers.Select(l => $"{l.Id}: {l.Name}"));
        var system = await template.RenderAsync(kernel, new KernelArguments { ["layers"] = layers }, ct).ConfigureAwait(false);
        return new GroundedPrompts(plugin, system);
    }

    /// <summary>Arguments for the answer or check function, with the function's own execution settings and our token limit.</summary>
    /// <param name="terms">The matched terms' states on the day (<see cref="TermStates"/>), or empty.</param>
    public KernelArguments Arguments(KernelFunction function, string question, IReadOnlyList<Passage> sources, DateOnly? asOf, bool isTalkingPoint, int maxTokens,
        string terms = "")
    {
        var settings = AzureOpenAIPromptExecutionSettings.FromExecutionSettings(
            function.ExecutionSettings?.GetValueOrDefault(PromptExecutionSettings.DefaultServiceId));
        settings.MaxTokens = maxTokens;
        var day = Dates.Iso(asOf ?? DateOnly.FromDateTime(DateTime.UtcNow));
        return new KernelArguments(settings)
        {
            ["system"] = System,
            ["verdicts"] = string.Join(", ", (isTalkingPoint ? Verdicts.ForTalkingPoints : Verdicts.ForQuestions).Select(v => $"\"{v}\"")),
            ["as_of"] = asOf is null ? $"today ({day})" : day,
            ["question"] = question,
            ["sources"] = Number(sources),
            ["terms"] = terms.Length == 0 ? "(none matched: answer from the sources)" : terms,
        };
    }

    /// <summary>The terms the question matched, each with its state on the day, its earlier states, and the numbered
    /// source that quotes it: "- Microsoft Azure is … [infrastructure]: ended on 2026-04-27 (before: in force from
    /// 2019-07-22). Source [2]."</summary>
    public static string TermStates(IEnumerable<Ledger.TermFinding> findings, DateOnly day, IReadOnlyList<Passage> sources)
    {
        var sb = new StringBuilder();
        foreach (var f in findings.Where(f => f.State is not null).DistinctBy(f => f.Term.Id))
        {
            var state = f.State!;
            sb.Append(CultureInfo.InvariantCulture, $"- {f.Term.Statement} [{f.Term.Layer}]: on {Dates.Iso(day)} {Status(state)} since {Dates.Iso(state.From)}");
            var earlier = f.Term.States.TakeWhile(s => s.From < state.From).Where(s => s.Status != state.Status).ToList();
            if (earlier.Count > 0)
                sb.Append(" (before: ").Append(string.Join("; ", earlier.Select(s => $"{Status(s)} from {Dates.Iso(s.From)}"))).Append(')');
            var quoted = state.Sources.Select(x => Array.FindIndex([.. sources], p => p.Chunk.DocId == x.Doc && QuoteText.Occurs(x.Quote, p.Chunk.Text)))
                .Where(i => i >= 0).Select(i => $"[{i + 1}]").Distinct().ToList();
            if (quoted.Count > 0)
                sb.Append(". Source ").Append(string.Join(", ", quoted));
            sb.AppendLine(".");
        }
        return sb.ToString().TrimEnd();
    }

    private static string Status(Core.Ledger.TermState s) => s.Status switch
    {
        Core.Ledger.TermStatus.InForce => "in force",
        Core.Ledger.TermStatus.Ended => "ended",
        Core.Ledger.TermStatus.Announced => "announced, not yet in effect",
        Core.Ledger.TermStatus.Reported => $"reported{(s.By is null ? "" : $" by {s.By}")}, not confirmed",
        Core.Ledger.TermStatus.Disputed => "disputed (the sources disagree)",
        _ => "not the case per a source",
    };

    /// <summary>Arguments for rewriting a follow-up, with the earlier turns oldest first.</summary>
    public KernelArguments CondenseArguments(string question, IReadOnlyList<ConversationTurn> history)
    {
        var sb = new StringBuilder();
        foreach (var t in history.TakeLast(RuleBasedFollowUpResolver.Depth))
            sb.Append("Q: ").AppendLine(t.Question);
        return new KernelArguments { ["history"] = sb.ToString().TrimEnd(), ["question"] = question };
    }

    /// <summary>The sources as the model sees them: number, title, publisher, date, confidence, layers, section, text.</summary>
    public static string Number(IReadOnlyList<Passage> sources)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < sources.Count; i++)
        {
            var p = sources[i];
            var d = p.Document;
            sb.Append(CultureInfo.InvariantCulture, $"[{i + 1}] \"{d.Title}\"");
            if (!string.IsNullOrEmpty(d.Publisher))
                sb.Append(" — ").Append(d.Publisher);
            sb.Append(CultureInfo.InvariantCulture, $", {Dates.Iso(d.Date)}{(d.DateInferred ? " (date inferred)" : "")}");
            sb.Append(CultureInfo.InvariantCulture, $"; confidence: {d.Confidence.ToString().ToLowerInvariant()}");
            if (p.Chunk.Layers.Count > 0)
                sb.Append("; layers: ").Append(string.Join(", ", p.Chunk.Layers));
            sb.AppendLine();
            if (!string.IsNullOrEmpty(p.Chunk.Section))
                sb.Append("Section: ").AppendLine(p.Chunk.Section);
            sb.AppendLine(p.Chunk.Text.Trim()).AppendLine();
        }
        return sb.ToString().TrimEnd();
    }
}
