using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;

namespace Assistant.Answering.Generative;

/// <summary>Rewrites a follow-up into a standalone question with the model (prompts/Assistant/CondenseFollowUp), in one
/// call whatever the length of the history; when the call fails, the rule-based resolver answers instead.</summary>
public sealed class ModelFollowUpResolver(Kernel kernel, GroundedPrompts prompts, RuleBasedFollowUpResolver fallback,
    ILogger<ModelFollowUpResolver>? logger = null) : IFollowUpResolver
{
    private readonly ILogger _log = logger ?? (ILogger)NullLogger.Instance;

    public async Task<ResolvedQuestion> ResolveAsync(string question, IReadOnlyList<ConversationTurn> history, CancellationToken ct = default)
    {
        if (history.Count == 0)
            return ResolvedQuestion.Standalone(question);
        try
        {
            var result = await kernel.InvokeAsync(prompts.CondenseFollowUp, prompts.CondenseArguments(question, history), ct).ConfigureAwait(false);
            var text = result.GetValue<string>()?.Trim().Trim('"');
            if (!string.IsNullOrWhiteSpace(text) && text.Length <= 4 * Math.Max(question.Length, 100))
                return ResolvedQuestion.Standalone(text);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _log.LogWarning("Could not rewrite the follow-up ({Reason}); resolving it from the conversation instead", GenerativeAnswerer.Describe(e));
        }
        return fallback.Resolve(question, history);
    }
}
