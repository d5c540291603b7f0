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

    /// <summary>Loads prompts/system.txt and the function folders under prompts/Assistant; names the missing file.</summary>
    public static async Task<GroundedPrompts> LoadAsync(Kernel kernel, string folder, LayerTaxonomy taxonomy, CancellationToken ct = default)
    {
        var systemPath = Path.Combine(folder, SystemFile);
        var pluginPath = Path.Combine(folder, PluginFolder);
        foreach (var f in new[] { "Answer", "CheckTalkingPoint", "CondenseFollowUp" }.Select(f => Path.Combine(pluginPath, f, "skprompt.txt")).Prepend(systemPath))
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
    public KernelArguments Arguments(KernelFunction function, string question, IReadOnlyList<Passage> sources, DateOnly? asOf, bool isTalkingPoint, int maxTokens)
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
        };
    }

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
