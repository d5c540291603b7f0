using System.Text.Json;
using System.Text.Json.Serialization;
using Assistant.Answering;
using Assistant.Bot.Hosting;

namespace Assistant.Bot.Api;

/// <summary>The body of POST /api/ask and /api/check (the contract of shared/eval/README.md).</summary>
public sealed class AskBody
{
    [JsonPropertyName("question")] public string? Question { get; set; }

    [JsonPropertyName("history")] public List<string>? History { get; set; }

    [JsonPropertyName("as_of")] public string? AsOf { get; set; }
}

/// <summary>JSON endpoints for other tools: ask, check, health and readiness.</summary>
public static class AssistantApi
{
    public const int MaxHistory = 20;

    public static IEndpointRouteBuilder MapAssistantApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ask", (HttpRequest r, AssistantHost host, ReviewLog review, CancellationToken ct) => AnswerAsync(r, host, review, talkingPoint: false, ct))
            .RequireRateLimiting(Security.RateLimits.Api)
            .WithTags("API").WithSummary("Answer a question with citations").Accepts<AskBody>("application/json")
            .Produces<Assistant.Core.Answer>().ProducesProblem(400).ProducesProblem(413).ProducesProblem(503);
        app.MapPost("/api/check", (HttpRequest r, AssistantHost host, ReviewLog review, CancellationToken ct) => AnswerAsync(r, host, review, talkingPoint: true, ct))
            .RequireRateLimiting(Security.RateLimits.Api)
            .WithTags("API").WithSummary("Check a talking point").Accepts<AskBody>("application/json")
            .Produces<Assistant.Core.Answer>().ProducesProblem(400).ProducesProblem(413).ProducesProblem(503);
        app.MapPost("/api/ask/stream", (HttpRequest r, HttpResponse w, AssistantHost host, ReviewLog review, CancellationToken ct) => StreamAsync(r, w, host, review, ct))
            .RequireRateLimiting(Security.RateLimits.Api)
            .WithTags("API").WithSummary("Answer a question as server-sent events: 'delta' events with the text so far, then one 'answer' event")
            .Accepts<AskBody>("application/json").Produces(200, contentType: "text/event-stream").ProducesProblem(400).ProducesProblem(413).ProducesProblem(503);
        app.MapGet("/healthz", () => Results.Json(new { status = "up" })).WithTags("Health");
        app.MapGet("/readyz", async (AssistantHost host, Bot.SqliteStore state, DirectLine.DirectLineConversations directLine, CancellationToken ct) => host.Runtime is { } rt
            ? Results.Json(new
            {
                status = "ready",
                documents = rt.Index.Documents.Count,
                chunks = rt.Index.ChunkCount,
                answers = rt.Answerer is Answering.Generative.GenerativeAnswerer ? "generative" : "extractive",
                conversations = new { stored = await state.CountAsync(ct).ConfigureAwait(false), direct_line = directLine.Count },
            })
            : Results.Json(new { status = host.Failure is null ? "starting" : "failed", reason = host.Failure }, statusCode: 503)).WithTags("Health");
        return app;
    }

    private static async Task<IResult> AnswerAsync(HttpRequest request, AssistantHost host, ReviewLog review, bool talkingPoint, CancellationToken ct)
    {
        var (ask, runtime, error) = await ReadAsync(request, host, talkingPoint, ct).ConfigureAwait(false);
        if (error is not null)
            return error;
        var (answer, _) = await runtime!.Answerer.AnswerAsync(ask!, ct).ConfigureAwait(false);
        await review.AddQuestionAsync("api", answer, ct).ConfigureAwait(false);
        return Results.Json(answer, AnswerJson.Compact);
    }

    private static async Task StreamAsync(HttpRequest request, HttpResponse response, AssistantHost host, ReviewLog review, CancellationToken ct)
    {
        var (ask, runtime, error) = await ReadAsync(request, host, talkingPoint: false, ct).ConfigureAwait(false);
        if (error is not null)
        {
            await error.ExecuteAsync(request.HttpContext).ConfigureAwait(false);
            return;
        }
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await foreach (var update in runtime!.Answerer.StreamAsync(ask!, ct).ConfigureAwait(false))
        {
            if (update.Final is { } answer)
            {
                await review.AddQuestionAsync("api", answer, ct).ConfigureAwait(false);
                await SendEventAsync(response, "answer", JsonSerializer.Serialize(answer, AnswerJson.Compact), ct).ConfigureAwait(false);
            }
            else
            {
                await SendEventAsync(response, "delta", JsonSerializer.Serialize(new { text = update.TextSoFar }, AnswerJson.Compact), ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task SendEventAsync(HttpResponse response, string name, string json, CancellationToken ct)
    {
        await response.WriteAsync($"event: {name}\ndata: {json}\n\n", ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads and checks the body; the earlier questions become conversation turns (answered extractively, no model call).</summary>
    private static async Task<(AskRequest? Ask, AssistantRuntime? Runtime, IResult? Error)> ReadAsync(HttpRequest request, AssistantHost host, bool talkingPoint, CancellationToken ct)
    {
        AskBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<AskBody>(request.Body, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return (null, null, Error(400, "body", $"the body is not valid JSON: {e.Message}"));
        }
        var question = body?.Question?.Trim() ?? "";
        if (question.Length == 0)
            return (null, null, Error(400, "question", "'question' is empty"));
        if (question.Length > host.Settings.MaxQuestionLength)
            return (null, null, Error(413, "question", $"'question' is {question.Length} characters long; the limit is {host.Settings.MaxQuestionLength}"));
        var history = body!.History ?? [];
        if (history.Count > MaxHistory || history.Any(h => h is null || h.Length > host.Settings.MaxQuestionLength))
            return (null, null, Error(413, "history", $"'history' takes up to {MaxHistory} earlier questions of up to {host.Settings.MaxQuestionLength} characters"));
        DateOnly? asOf = null;
        if (body.AsOf is { Length: > 0 } s)
        {
            if (!DateOnly.TryParseExact(s, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d))
                return (null, null, Error(400, "as_of", $"'as_of' ('{s}') is not a date of the form YYYY-MM-DD"));
            asOf = d;
        }
        if (host.Runtime is not { } runtime)
            return (null, null, Error(503, "index", host.Failure ?? "the index is still being built; retry in a few seconds"));
        var turns = new List<Turn>();
        foreach (var h in history)
            turns.Add((await runtime.Extractive.AnswerAsync(new AskRequest(h) { History = turns.ToList(), AsOf = asOf }, ct).ConfigureAwait(false)).Turn);
        return (new AskRequest(question) { History = turns, AsOf = asOf, IsTalkingPoint = talkingPoint }, runtime, null);
    }

    private static IResult Error(int status, string field, string message) =>
        Results.Json(new { error = message, field }, statusCode: status);
}
