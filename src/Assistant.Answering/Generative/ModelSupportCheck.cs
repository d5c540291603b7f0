using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.AzureOpenAI;

namespace Assistant.Answering.Generative;

/// <summary>The optional second opinion (<c>AzureOpenAI__SupportCheck</c>): the model is asked, through
/// prompts/Assistant/CheckSupport, whether each sentence the verifier kept is supported by its quotes; a sentence it does not
/// confirm is dropped. A reply that cannot be read fails the answer, which then comes from the extractive composer.</summary>
public static class ModelSupportCheck
{
    private sealed record Check
    {
        [JsonPropertyName("n")] public int N { get; init; }
        [JsonPropertyName("supported")] public bool? Supported { get; init; }
        [JsonPropertyName("why")] public string? Why { get; init; }
    }

    private sealed record Reply
    {
        [JsonPropertyName("checks")] public IReadOnlyList<Check> Checks { get; init; } = [];
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true, AllowTrailingCommas = true };

    public static async Task RunAsync(Kernel kernel, GroundedPrompts prompts, AnswerVerifier verifier, int maxTokens, CancellationToken ct)
    {
        var kept = verifier.Kept.ToList();
        var function = prompts.CheckSupport;
        var settings = AzureOpenAIPromptExecutionSettings.FromExecutionSettings(function.ExecutionSettings?.GetValueOrDefault(PromptExecutionSettings.DefaultServiceId));
        settings.MaxTokens = maxTokens;
        var result = await kernel.InvokeAsync(function, new KernelArguments(settings) { ["sentences"] = Describe(kept) }, ct).ConfigureAwait(false);
        Reply reply;
        try
        {
            reply = JsonSerializer.Deserialize<Reply>(ModelAnswer.Unfence(result.GetValue<string>() ?? ""), Options) ?? new Reply();
        }
        catch (JsonException e)
        {
            throw new ModelOutputException($"the support check's reply is not the JSON object asked for ({e.Message})");
        }
        for (var i = 0; i < kept.Count; i++)
        {
            // A sentence the check leaves out has not been confirmed.
            var check = reply.Checks.FirstOrDefault(c => c.N == i + 1);
            if (check?.Supported != true)
                verifier.Reject(kept[i], DropReasons.ModelCheck, check is null ? "the model check did not confirm it" : $"the model check found it unsupported: {check.Why}");
        }
    }

    /// <summary>"1. sentence" followed by its quotes, one per cited source.</summary>
    private static string Describe(IReadOnlyList<AnswerVerifier.KeptSentence> kept)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < kept.Count; i++)
        {
            sb.Append(i + 1).Append(". ").AppendLine(kept[i].Text);
            foreach (var quote in kept[i].Quotes.Distinct())
                sb.Append("   Quote: \"").Append(quote).AppendLine("\"");
        }
        return sb.ToString().TrimEnd();
    }
}
