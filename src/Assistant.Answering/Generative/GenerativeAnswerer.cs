using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Assistant.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;

namespace Assistant.Answering.Generative;

/// <summary>Answers through Semantic Kernel and Azure OpenAI from numbered sources, verifies what the model wrote,
/// and falls back to the extractive answer whenever the model fails: no request fails because the model did.</summary>
/// <remarks>Retrieval and the "sources don't cover that" decision stay with the extractive answerer: the model is
/// never asked a question the sources do not cover.</remarks>
public sealed class GenerativeAnswerer(
    IRetriever retriever,
    ExtractiveAnswerer extractive,
    IFollowUpResolver followUps,
    Kernel kernel,
    GroundedPrompts prompts,
    AzureOpenAISettings settings,
    LayerTaxonomy taxonomy,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    ILogger<GenerativeAnswerer>? logger = null) : IAnswerer
{
    private readonly ILogger _log = logger ?? (ILogger)NullLogger.Instance;
    private readonly IReadOnlySet<string> _layerIds = taxonomy.Layers.Select(l => l.Id).ToHashSet();

    public string Mode => $"generative (Azure OpenAI deployment {settings.ChatDeployment})";

    public bool Streams => true;

    public async Task<(Answer Answer, ConversationTurn Turn)> AnswerAsync(AskRequest request, CancellationToken ct = default)
    {
        AnswerUpdate? final = null;
        await foreach (var update in Generate(request, streaming: false, ct).ConfigureAwait(false))
            final = update.Final is null ? final : update;
        return (final!.Final!, final.Turn!);
    }

    public IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, CancellationToken ct = default) => Generate(request, streaming: true, ct);

    private async IAsyncEnumerable<AnswerUpdate> Generate(AskRequest request, bool streaming, [EnumeratorCancellation] CancellationToken ct)
    {
        using var activity = AssistantTelemetry.Source.StartActivity("assistant.answer");
        var clock = Stopwatch.StartNew();
        var resolved = await followUps.ResolveAsync(request.Question, request.History, ct).ConfigureAwait(false);
        var retrieved = await retriever.RetrieveAsync(resolved, request.IsTalkingPoint, request.AsOf, ct).ConfigureAwait(false);
        var baseline = extractive.Compose(request, retrieved);
        var turn = ConversationTurn.Of(request, resolved, baseline, baseline.Terms);
        if (baseline.Abstained || retrieved.Passages.Count == 0)
        {
            baseline = baseline with { LatencyMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1) };
            AssistantTelemetry.RecordAnswer(baseline, baseline.LatencyMs);
            yield return new AnswerUpdate(null, baseline, turn);
            yield break;
        }
        var grounded = request with { Question = resolved.Context.Length == 0 ? resolved.Text : $"{resolved.Text} (earlier in the conversation: {resolved.Context})" };

        // Terms matched: the passages their quotes come from lead the numbered sources, the terms' states on the day go
        // beside them, and the ledger's verdict bounds the model's.
        var fromLedger = baseline.Terms is { Count: > 0 };
        var termPassages = fromLedger
            ? baseline.Citations.Select(c => retrieved.View.Knowledge.PassageOf(c.DocId, c.Quote)).OfType<Passage>().ToList()
            : [];
        var sources = termPassages.Concat(retrieved.Passages).DistinctBy(p => (p.Chunk.DocId, p.Chunk.Ordinal))
            .Take(Math.Max(settings.MaxSources, termPassages.Count)).ToList();
        var terms = fromLedger ? GroundedPrompts.TermStates(retrieved.Findings.Where(f => baseline.Terms!.Contains(f.Term.Id)), retrieved.Day, sources) : "";
        var support = new SentenceSupport(retrieved.View.Knowledge, embedder, retrieved.Day);
        var verifier = new AnswerVerifier(sources, request.IsTalkingPoint, _layerIds, support, fromLedger ? baseline.Verdict : null);
        var function = request.IsTalkingPoint ? prompts.CheckTalkingPoint : prompts.Answer;
        var arguments = prompts.Arguments(function, grounded.Question, sources, request.AsOf, request.IsTalkingPoint, settings.MaxOutputTokens, terms);

        // The model call runs inside a channel so that a failure can become the extractive answer (no yield in a catch).
        var updates = System.Threading.Channels.Channel.CreateUnbounded<AnswerUpdate>();
        var work = Task.Run(async () =>
        {
            using var generate = AssistantTelemetry.Source.StartActivity("assistant.generate");
            generate?.SetTag("assistant.sources", sources.Count);
            try
            {
                var answer = streaming
                    ? await StreamModelAsync(function, arguments, verifier, baseline, updates.Writer, ct).ConfigureAwait(false)
                    : await CallModelAsync(function, arguments, verifier, baseline, ct).ConfigureAwait(false);
                LogDropped(verifier);
                updates.Writer.TryWrite(new AnswerUpdate(null, answer));
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var reason = Describe(e);
                LogDropped(verifier);
                _log.LogWarning("Generative answer failed ({Reason}); answering extractively", reason);
                AssistantTelemetry.RecordFallback(e is ModelOutputException ? "rejected" : "failed");
                generate?.SetStatus(ActivityStatusCode.Error, reason);
                updates.Writer.TryWrite(new AnswerUpdate(null, baseline with
                {
                    Notice = $"The language model could not answer ({reason}), so this answer quotes the sources directly.",
                    Dropped = verifier.Dropped.Count == 0 ? null : [.. verifier.Dropped],
                }));
            }
            finally
            {
                updates.Writer.TryComplete();
            }
        }, ct);
        await foreach (var update in updates.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (update.Final is { } f)
            {
                var final = f with { LatencyMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1) };
                AssistantTelemetry.RecordAnswer(final, final.LatencyMs);
                yield return update with { Final = final, Turn = turn with { Verdict = final.Verdict, Layers = final.Layers, Documents = [.. final.Citations.Select(c => c.DocId).Distinct()] } };
            }
            else
            {
                yield return update;
            }
        }
        await work.ConfigureAwait(false);
    }

    private async Task<Answer> CallModelAsync(KernelFunction function, KernelArguments arguments, AnswerVerifier verifier, Answer baseline, CancellationToken ct)
    {
        var result = await kernel.InvokeAsync(function, arguments, ct).ConfigureAwait(false);
        var output = ModelAnswer.Parse(result.GetValue<string>() ?? "");
        foreach (var s in output.Sentences)
            await verifier.AddAsync(s, ct).ConfigureAwait(false);
        await CompleteAsync(verifier, output, ct).ConfigureAwait(false);
        return verifier.Finish(output, baseline) with { Tokens = Usage(result.Metadata) };
    }

    private async Task<Answer> StreamModelAsync(KernelFunction function, KernelArguments arguments, AnswerVerifier verifier, Answer baseline,
        System.Threading.Channels.ChannelWriter<AnswerUpdate> updates, CancellationToken ct)
    {
        var reply = new StringBuilder();
        var shown = "";
        var seen = 0;
        await foreach (var chunk in kernel.InvokeStreamingAsync<StreamingChatMessageContent>(function, arguments, ct).ConfigureAwait(false))
        {
            reply.Append(chunk.Content);
            var complete = ModelAnswer.CompletedSentences(reply.ToString());
            var grew = false;
            for (; seen < complete.Count; seen++)
            {
                if (await verifier.AddAsync(complete[seen], ct).ConfigureAwait(false) is { } soFar)
                {
                    shown = soFar;
                    grew = true;
                }
            }
            // With the model check on, a sentence is shown only once the model has agreed to it as well: all at the end.
            if (grew && !settings.SupportCheck)
                updates.TryWrite(new AnswerUpdate(shown));
        }
        var output = ModelAnswer.Parse(reply.ToString());
        foreach (var s in output.Sentences.Skip(seen))
            await verifier.AddAsync(s, ct).ConfigureAwait(false);
        await CompleteAsync(verifier, output, ct).ConfigureAwait(false);
        return verifier.Finish(output, baseline);
    }

    /// <summary>After the sentences: the rephrasing of a talking point is checked like them, then (when configured) the
    /// model is asked whether each kept sentence is supported by its quotes.</summary>
    private async Task CompleteAsync(AnswerVerifier verifier, ModelAnswer output, CancellationToken ct)
    {
        await verifier.VerifyRephrasingAsync(output.Rephrasing, ct).ConfigureAwait(false);
        if (settings.SupportCheck && verifier.Kept.Count > 0)
            await ModelSupportCheck.RunAsync(kernel, prompts, verifier, settings.MaxOutputTokens, ct).ConfigureAwait(false);
    }

    private void LogDropped(AnswerVerifier verifier)
    {
        foreach (var d in verifier.Dropped)
            _log.LogWarning("Verification dropped a sentence ({Reason}: {Detail}): {Text}", d.Reason, d.Detail, d.Text);
    }

    private static TokenUsage? Usage(IReadOnlyDictionary<string, object?>? metadata) =>
        metadata is not null && metadata.TryGetValue("Usage", out var u) && u is OpenAI.Chat.ChatTokenUsage usage
            ? new TokenUsage(usage.InputTokenCount, usage.OutputTokenCount)
            : null;

    /// <summary>A short reason for logs and the notice; never the request, the key or the response body.</summary>
    internal static string Describe(Exception e) => e switch
    {
        ModelOutputException m => m.Message,
        HttpOperationException { StatusCode: { } code } => $"the model service answered {(int)code} {code}",
        System.ClientModel.ClientResultException { Status: > 0 } c => $"the model service answered {c.Status}",
        ModelUnavailableException u => u.Message,
        TimeoutException or TaskCanceledException or OperationCanceledException => "the model service timed out",
        HttpRequestException or System.Net.Sockets.SocketException => "the model service could not be reached",
        { InnerException: { } inner } => Describe(inner),
        KernelException => "the model call failed",
        _ => e.GetType().Name,
    };
}

/// <summary>The model connection refused a call without trying it (circuit open) or gave up waiting; the message says which.</summary>
/// <remarks>The connector at the edge translates its resilience library's exceptions into this one.</remarks>
public sealed class ModelUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner);
