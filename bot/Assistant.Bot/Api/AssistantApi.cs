using System.Text.Json;
using System.Text.Json.Serialization;
using Assistant.Answering;
using Assistant.Core;
using Assistant.Hosting;
using Microsoft.Extensions.Options;

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
    public static IEndpointRouteBuilder MapAssistantApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ask", (HttpRequest r, [AsParameters] Services s, CancellationToken ct) => AnswerAsync(r, s, talkingPoint: false, ct))
            .WithTags("API").WithSummary("Answer a question with citations").Accepts<AskBody>("application/json")
            .Produces<Assistant.Core.Answer>().ProducesProblem(400).ProducesProblem(413).ProducesProblem(429).ProducesProblem(503);
        app.MapPost("/api/check", (HttpRequest r, [AsParameters] Services s, CancellationToken ct) => AnswerAsync(r, s, talkingPoint: true, ct))
            .WithTags("API").WithSummary("Check a talking point").Accepts<AskBody>("application/json")
            .Produces<Assistant.Core.Answer>().ProducesProblem(400).ProducesProblem(413).ProducesProblem(429).ProducesProblem(503);
        app.MapPost("/api/ask/stream", (HttpRequest r, HttpResponse w, [AsParameters] Services s, CancellationToken ct) => StreamAsync(r, w, s, ct))
            .WithTags("API").WithSummary("Answer a question as server-sent events: 'delta' events with the text so far, then one 'answer' event")
            .Accepts<AskBody>("application/json").Produces(200, contentType: "text/event-stream").ProducesProblem(400).ProducesProblem(413).ProducesProblem(429).ProducesProblem(503);
        app.MapGet("/healthz", () => Results.Json(new { status = "up" })).WithTags("Health");
        app.MapGet("/readyz", ReadinessAsync).WithTags("Health");
        return app;
    }

    /// <summary>Ready once the index is served (503 before, with the reason); "degraded" (still 200, still answering) while the
    /// host's own storage does not take writes, with the failing parts and their errors.</summary>
    private static async Task<IResult> ReadinessAsync(ServedIndex served, IAnswerer answerer, Bot.IBotStateStore state, DirectLine.DirectLineConversations directLine,
        StorageHealth health, ReviewLogWriter review, CancellationToken ct)
    {
        if (!served.IsReady)
            return Results.Json(new { status = served.Failure is null ? "starting" : "failed", reason = served.Failure }, statusCode: 503);
        long? stored;
        try
        {
            stored = await state.CountAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store cannot say right now (a failing disk, shared storage briefly unreachable): the index is what readiness is about.
            stored = null;
        }
        var failing = health.Failing;
        return Results.Json(new
        {
            status = failing.Count == 0 ? "ready" : "degraded",
            documents = served.Current.Index.Documents.Count,
            chunks = served.Current.Index.ChunkCount,
            answers = answerer.Mode.Split(' ')[0],
            conversations = new { stored, direct_line = directLine.Count },
            storage = new
            {
                status = failing.Count == 0 ? "ok" : "failing",
                failing = failing.ToDictionary(f => f.Key, f => new { error = f.Value.Error, since = f.Value.Since }),
                review_log = new { queued = review.Queued, dropped = review.Dropped },
            },
        });
    }

    /// <summary>What the endpoints use, resolved together.</summary>
    internal sealed record Services(IAnswerer Answerer, ServedIndex Served, ReviewLogWriter Review, IOptions<AssistantSettings> Settings, Security.UserBudget Budget);

    private static async Task<IResult> AnswerAsync(HttpRequest request, Services s, bool talkingPoint, CancellationToken ct)
    {
        var (ask, error) = await ReadAsync(request, s, talkingPoint, ct).ConfigureAwait(false);
        if (error is not null)
            return error;
        var (answer, _) = await s.Answerer.AnswerAsync(ask!, ct).ConfigureAwait(false);
        s.Review.Question("api", answer);
        return Results.Json(answer, AnswerJson.Compact);
    }

    private static async Task StreamAsync(HttpRequest request, HttpResponse response, Services s, CancellationToken ct)
    {
        var (ask, error) = await ReadAsync(request, s, talkingPoint: false, ct).ConfigureAwait(false);
        if (error is not null)
        {
            await error.ExecuteAsync(request.HttpContext).ConfigureAwait(false);
            return;
        }
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await foreach (var update in s.Answerer.StreamAsync(ask!, ct).ConfigureAwait(false))
        {
            if (update.Final is { } answer)
            {
                s.Review.Question("api", answer);
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

    /// <summary>Charges the caller, reads and checks the body; the earlier questions become conversation turns as they are (never
    /// answered again), and each Assistant__MaxQuestionLength characters of them cost the caller one more unit of the budget.</summary>
    private static async Task<(AskRequest? Ask, IResult? Error)> ReadAsync(HttpRequest request, Services s, bool talkingPoint, CancellationToken ct)
    {
        var caller = Security.ClientAddresses.Key(request.HttpContext);
        if (s.Budget.TryTake(caller) is { } wait)
            return (null, Security.RateLimits.TooMany(wait));
        var settings = s.Settings.Value;
        var max = settings.MaxQuestionLength;
        // Room for the question and the history at six bytes a character (JSON's \uXXXX), plus the rest of the object.
        var maxBytes = 65_536 + (6 * (max + settings.MaxHistoryCharacters));
        if (await Security.RequestBodies.ReadAsync(request, maxBytes, ct).ConfigureAwait(false) is not { } bytes)
            return (null, Error(413, "body", $"the body is larger than {maxBytes} bytes"));
        AskBody? body;
        try
        {
            body = JsonSerializer.Deserialize<AskBody>(bytes);
        }
        catch (JsonException e)
        {
            return (null, Error(400, "body", $"the body is not valid JSON: {e.Message}"));
        }
        if (QuestionValidator.Problem(body?.Question, max) is { } problem)
            return (null, Error(string.IsNullOrWhiteSpace(body?.Question) ? 400 : 413, "question", problem));
        var history = body!.History ?? [];
        if (history.Count > settings.MaxHistoryTurns)
            return (null, Error(413, "history", $"'history' takes up to {settings.MaxHistoryTurns} earlier questions (Assistant__MaxHistoryTurns), not {history.Count}"));
        if (history.Any(h => h is null || h.Length > max))
            return (null, Error(413, "history", $"each earlier question in 'history' takes up to {max} characters (Assistant__MaxQuestionLength)"));
        var characters = history.Sum(h => h.Length);
        if (characters > settings.MaxHistoryCharacters)
            return (null, Error(413, "history", $"'history' holds {characters} characters; the limit is {settings.MaxHistoryCharacters} (Assistant__MaxHistoryCharacters)"));
        DateOnly? asOf = null;
        if (body.AsOf is { Length: > 0 } text)
        {
            if (!Dates.TryParse(text, out var d))
                return (null, Error(400, "as_of", $"'as_of' ('{text}') is not a date of the form YYYY-MM-DD"));
            asOf = d;
        }
        if (!s.Served.IsReady)
            return (null, Error(503, "index", s.Served.Failure ?? "the index is still being built; retry in a few seconds"));
        if (s.Budget.TryTake(caller, s.Budget.Cost(characters) - 1) is { } historyWait)
            return (null, Security.RateLimits.TooMany(historyWait));
        return (new AskRequest(body.Question!.Trim()) { History = ConversationTurn.FromQuestions(history), AsOf = asOf, IsTalkingPoint = talkingPoint }, null);
    }

    private static IResult Error(int status, string field, string message) =>
        Results.Json(new { error = message, field }, statusCode: status);
}
