using System.Globalization;
using Assistant.Bot.Bot;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Schema;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Assistant.Bot.DirectLine;

/// <summary>
/// A Direct Line 3.0–compatible endpoint for Web Chat (polling): tokens, conversations, posting and polling
/// activities with a watermark. Each posted activity is echoed (with its id and clientActivityID) and run through
/// the same CloudAdapter and bot as Teams, with expectReplies so the replies come back in-process.
/// </summary>
public static class DirectLineEndpoints
{
    public const string Prefix = "/v3/directline";
    public const string ChannelId = "directline";
    private const string BotId = "assistant-bot";

    private static readonly JsonSerializerSettings Json = new()
    {
        NullValueHandling = NullValueHandling.Ignore,
        ContractResolver = new Newtonsoft.Json.Serialization.DefaultContractResolver(),
    };

    public static IServiceCollection AddDirectLine(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DirectLineOptions.Section).Get<DirectLineOptions>() ?? new DirectLineOptions();
        options.Validate();
        services.AddSingleton(options);
        // The generated key lives beside the index, with the host's other files.
        services.AddSingleton(sp => new DirectLineTokens(DirectLineTokens.LoadKey(options,
            Path.Combine(Path.GetDirectoryName(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Assistant.Core.AssistantSettings>>().Value.Index!)!, "directline.key")),
            TimeSpan.FromSeconds(options.TokenLifetimeSeconds)));
        services.AddSingleton(new DirectLineConversations(TimeSpan.FromMinutes(options.IdleConversationMinutes)));
        return services;
    }

    public static IEndpointRouteBuilder MapDirectLine(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("Direct Line");
        group.MapPost("/tokens/generate", GenerateAsync).RequireRateLimiting(Security.RateLimits.Tokens);
        group.MapPost("/tokens/refresh", Refresh);
        group.MapPost("/conversations", StartAsync);
        group.MapGet("/conversations/{id}", Reconnect);
        group.MapPost("/conversations/{id}/activities", PostAsync).RequireRateLimiting(Security.RateLimits.Conversation);
        group.MapGet("/conversations/{id}/activities", Poll);
        return app;
    }

    private static async Task<IResult> GenerateAsync(HttpRequest request, DirectLineTokens tokens, DirectLineConversations conversations, IBotFrameworkHttpAdapter adapter, IBot bot, CancellationToken ct)
    {
        var userId = await UserIdAsync(request).ConfigureAwait(false);
        var log = conversations.Start();
        await WelcomeAsync(log, userId, request, adapter, bot, ct).ConfigureAwait(false);
        return Ok(new { conversationId = log.Id, token = tokens.Issue(log.Id, userId), expires_in = (int)tokens.Lifetime.TotalSeconds });
    }

    private static IResult Refresh(HttpRequest request, DirectLineTokens tokens)
    {
        if (tokens.Validate(Bearer(request)) is not { } grant)
            return Forbidden("the token is missing, expired or not valid");
        return Ok(new { conversationId = grant.ConversationId, token = tokens.Issue(grant.ConversationId, grant.UserId), expires_in = (int)tokens.Lifetime.TotalSeconds });
    }

    private static async Task<IResult> StartAsync(HttpRequest request, DirectLineTokens tokens, DirectLineConversations conversations, IBotFrameworkHttpAdapter adapter, IBot bot, CancellationToken ct)
    {
        if (tokens.Validate(Bearer(request)) is not { } grant)
            return Forbidden("a token from POST /v3/directline/tokens/generate is required");
        var isNew = conversations.Find(grant.ConversationId) is null;
        var log = conversations.GetOrStart(grant.ConversationId);
        if (isNew)
            await WelcomeAsync(log, grant.UserId, request, adapter, bot, ct).ConfigureAwait(false);
        return Ok(new { conversationId = log.Id, token = Bearer(request), expires_in = (int)(grant.Expires - DateTimeOffset.UtcNow).TotalSeconds });
    }

    private static IResult Reconnect(string id, HttpRequest request, DirectLineTokens tokens, DirectLineConversations conversations)
    {
        if (Authorize(id, request, tokens) is { } denied)
            return denied;
        return conversations.Find(id) is null
            ? Results.NotFound(new { error = new { code = "NotFound", message = $"no conversation {id}" } })
            : Ok(new { conversationId = id, token = Bearer(request) });
    }

    private static async Task<IResult> PostAsync(string id, HttpRequest request, DirectLineTokens tokens, DirectLineConversations conversations,
        IBotFrameworkHttpAdapter adapter, IBot bot, CancellationToken ct)
    {
        if (Authorize(id, request, tokens) is { } denied)
            return denied;
        if (conversations.Find(id) is not { } log)
            return Results.NotFound(new { error = new { code = "NotFound", message = $"no conversation {id}" } });
        Activity? activity;
        try
        {
            using var reader = new StreamReader(request.Body);
            activity = JsonConvert.DeserializeObject<Activity>(await reader.ReadToEndAsync(ct).ConfigureAwait(false));
        }
        catch (JsonException e)
        {
            return Results.BadRequest(new { error = new { code = "BadArgument", message = $"the body is not a valid activity: {e.Message}" } });
        }
        if (activity is null || string.IsNullOrEmpty(activity.Type))
            return Results.BadRequest(new { error = new { code = "BadArgument", message = "the activity needs a 'type'" } });

        var grant = tokens.Validate(Bearer(request))!;
        activity.From ??= new ChannelAccount(grant.UserId);
        activity.From.Role = RoleTypes.User;
        activity.Recipient = new ChannelAccount(BotId, "Assistant", RoleTypes.Bot);
        activity.ChannelId = ChannelId;
        activity.ServiceUrl = ServiceUrl(request);
        activity.Timestamp = DateTimeOffset.UtcNow;
        log.Append(activity);
        await RunTurnAsync(log, activity, adapter, bot, ct).ConfigureAwait(false);
        return Ok(new { id = activity.Id });
    }

    private static IResult Poll(string id, string? watermark, HttpRequest request, DirectLineTokens tokens, DirectLineConversations conversations)
    {
        if (Authorize(id, request, tokens) is { } denied)
            return denied;
        if (conversations.Find(id) is not { } log)
            return Results.NotFound(new { error = new { code = "NotFound", message = $"no conversation {id}" } });
        var from = int.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : 0;
        var (activities, next) = log.Since(from);
        return Ok(new { activities, watermark = next.ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>Runs one activity through the adapter and bot, and stores the bot's replies in the conversation.</summary>
    private static async Task RunTurnAsync(ConversationLog log, Activity activity, IBotFrameworkHttpAdapter adapter, IBot bot, CancellationToken ct)
    {
        var turn = JsonConvert.DeserializeObject<Activity>(JsonConvert.SerializeObject(activity))!;
        await ((AssistantAdapter)adapter).ProcessDirectLineAsync(turn, bot, reply =>
        {
            reply.From = new ChannelAccount(BotId, "Assistant", RoleTypes.Bot);
            reply.Recipient = activity.From;
            reply.ReplyToId = activity.Id;
            reply.Timestamp = DateTimeOffset.UtcNow;
            log.Append(reply);
        }, ct).ConfigureAwait(false);
    }

    private static Task WelcomeAsync(ConversationLog log, string userId, HttpRequest request, IBotFrameworkHttpAdapter adapter, IBot bot, CancellationToken ct)
    {
        var update = new Activity
        {
            Type = ActivityTypes.ConversationUpdate,
            ChannelId = ChannelId,
            ServiceUrl = ServiceUrl(request),
            From = new ChannelAccount(userId, role: RoleTypes.User),
            Recipient = new ChannelAccount(BotId, "Assistant", RoleTypes.Bot),
            Conversation = new ConversationAccount(id: log.Id),
            MembersAdded = [new ChannelAccount(userId)],
            Id = Guid.NewGuid().ToString("N"),
        };
        return RunTurnAsync(log, update, adapter, bot, ct);
    }

    private static IResult? Authorize(string conversationId, HttpRequest request, DirectLineTokens tokens)
    {
        var grant = tokens.Validate(Bearer(request));
        if (grant is null)
            return Forbidden("the token is missing, expired or not valid");
        return grant.ConversationId == conversationId ? null : Forbidden("this token belongs to another conversation");
    }

    private static string? Bearer(HttpRequest request) =>
        request.Headers.Authorization.ToString() is var h && h.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? h[7..].Trim() : null;

    private static async Task<string> UserIdAsync(HttpRequest request)
    {
        if (request.ContentLength is > 0 and < 4096)
        {
            try
            {
                using var reader = new StreamReader(request.Body);
                var body = JObject.Parse(await reader.ReadToEndAsync().ConfigureAwait(false));
                if (body["user"]?["id"]?.ToString() is { Length: > 0 and <= 64 } id)
                    return id;
            }
            catch (JsonException)
            {
                // No usable user id: a random one is given below.
            }
        }
        // Direct Line reserves ids starting with "dl_" for the ones it makes up itself.
        return "user-" + Guid.NewGuid().ToString("N")[..12];
    }

    private static string ServiceUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{Prefix}/";

    private static IResult Ok(object value) => Results.Text(JsonConvert.SerializeObject(value, Json), "application/json");

    private static IResult Forbidden(string message) =>
        Results.Json(new { error = new { code = "TokenInvalid", message } }, statusCode: StatusCodes.Status403Forbidden);
}
