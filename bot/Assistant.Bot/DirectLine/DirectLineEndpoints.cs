using System.Globalization;
using System.Text;
using Assistant.Answering;
using Assistant.Bot.Bot;
using Assistant.Bot.Security;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Schema;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Assistant.Bot.DirectLine;

/// <summary>
/// A Direct Line 3.0–compatible endpoint for Web Chat (polling): tokens, conversations, posting and polling
/// activities with a watermark. Each posted activity is echoed (with its id and clientActivityID) and run through
/// the same CloudAdapter and bot as Teams, with expectReplies so the replies come back in-process. Bodies are capped
/// (DirectLine__MaxActivityBytes), a post is checked against its token before it is charged to its user's budget, and
/// a question over Assistant__MaxQuestionLength is refused before it is stored.
/// </summary>
public static class DirectLineEndpoints
{
    public const string Prefix = "/v3/directline";
    public const string ChannelId = "directline";
    private const string BotId = "assistant-bot";

    internal static readonly JsonSerializerSettings Json = new()
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
        services.AddSingleton(new DirectLineConversations(TimeSpan.FromMinutes(options.IdleConversationMinutes), options));
        return services;
    }

    public static IEndpointRouteBuilder MapDirectLine(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<DirectLineOptions>();
        var group = app.MapGroup(Prefix).WithTags("Direct Line");
        group.AddEndpointFilter(async (context, next) =>
        {
            // No Direct Line request needs more than one activity's bytes: refuse larger ones before anything is read.
            var request = context.HttpContext.Request;
            if (request.ContentLength > options.MaxActivityBytes)
                return TooLarge("BadArgument", $"the body is larger than {options.MaxActivityBytes} bytes (DirectLine__MaxActivityBytes)");
            if (context.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = options.MaxActivityBytes;
            return await next(context).ConfigureAwait(false);
        });
        group.MapPost("/tokens/generate", GenerateAsync).RequireRateLimiting(RateLimits.Tokens);
        group.MapPost("/tokens/refresh", Refresh);
        group.MapPost("/conversations", StartAsync);
        group.MapGet("/conversations/{id}", Reconnect);
        group.MapPost("/conversations/{id}/activities", PostAsync);
        group.MapGet("/conversations/{id}/activities", Poll);
        return app;
    }

    private static async Task<IResult> GenerateAsync(HttpRequest request, DirectLineTokens tokens, DirectLineConversations conversations, IBotFrameworkHttpAdapter adapter, IBot bot, CancellationToken ct)
    {
        var userId = await UserIdAsync(request).ConfigureAwait(false);
        var log = conversations.Start(ClientAddresses.Key(request.HttpContext));
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
        var log = conversations.GetOrStart(grant.ConversationId, ClientAddresses.Key(request.HttpContext));
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
        [AsParameters] TurnServices turn, CancellationToken ct)
    {
        // The token first: a post that names someone else's conversation costs that conversation nothing.
        if (Authorize(id, request, tokens) is { } denied)
            return denied;
        if (conversations.Find(id) is not { } log)
            return Results.NotFound(new { error = new { code = "NotFound", message = $"no conversation {id}" } });
        var grant = tokens.Validate(Bearer(request))!;
        turn.Caller.Key = "dl:" + grant.UserId;
        if (turn.Budget.TryTake(turn.Caller.Key) is { } wait)
            return RateLimits.TooMany(wait);
        turn.Caller.Precharged = 1;
        var body = await RequestBodies.ReadAsync(request, turn.Options.MaxActivityBytes, ct).ConfigureAwait(false);
        if (body is null)
            return TooLarge("BadArgument", $"the activity is larger than {turn.Options.MaxActivityBytes} bytes (DirectLine__MaxActivityBytes)");
        Activity? activity;
        try
        {
            activity = JsonConvert.DeserializeObject<Activity>(Encoding.UTF8.GetString(body));
        }
        catch (JsonException e)
        {
            return Results.BadRequest(new { error = new { code = "BadArgument", message = $"the body is not a valid activity: {e.Message}" } });
        }
        if (activity is null || string.IsNullOrEmpty(activity.Type))
            return Results.BadRequest(new { error = new { code = "BadArgument", message = "the activity needs a 'type'" } });
        if (TooLong(activity.Text, turn.Settings.Value.MaxQuestionLength) is { } problem)
            return TooLarge("MessageSizeTooBig", problem);

        // The sender is the token's user, whatever the body says.
        activity.From = new ChannelAccount(grant.UserId, activity.From?.Name, RoleTypes.User);
        activity.Recipient = new ChannelAccount(BotId, "Assistant", RoleTypes.Bot);
        activity.ChannelId = ChannelId;
        activity.ServiceUrl = ServiceUrl(request);
        activity.Timestamp = DateTimeOffset.UtcNow;
        log.Append(activity);
        await RunTurnAsync(log, activity, turn.Adapter, turn.Bot, ct).ConfigureAwait(false);
        return Ok(new { id = activity.Id });
    }

    /// <summary>What a turn needs besides the conversation, resolved together.</summary>
    internal sealed record TurnServices(IBotFrameworkHttpAdapter Adapter, IBot Bot, RequestCaller Caller, UserBudget Budget, DirectLineOptions Options,
        Microsoft.Extensions.Options.IOptions<Assistant.Core.AssistantSettings> Settings);

    /// <summary>Why a message's text is too long to be a question (or a command with its argument), or null.</summary>
    private static string? TooLong(string? text, int max)
    {
        var command = ChatCommand.Parse(text ?? "");
        var length = command.Kind is ChatCommandKind.Ask or ChatCommandKind.Check ? command.Text.Length : (text ?? "").Trim().Length;
        return length > max ? $"The question is {length} characters long; the limit is {max} characters (Assistant__MaxQuestionLength)." : null;
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

    private static IResult TooLarge(string code, string message) =>
        Results.Json(new { error = new { code, message } }, statusCode: StatusCodes.Status413PayloadTooLarge);

    private static IResult Forbidden(string message) =>
        Results.Json(new { error = new { code = "TokenInvalid", message } }, statusCode: StatusCodes.Status403Forbidden);
}
