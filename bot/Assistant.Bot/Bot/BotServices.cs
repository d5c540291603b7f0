using System.Text.Json;
using Assistant.Bot.Security;
using Assistant.Hosting;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;

namespace Assistant.Bot.Bot;

/// <summary>Bot Framework wiring: authentication from configuration, the CloudAdapter, state and the bot.</summary>
public static class BotServices
{
    /// <summary>Largest activity accepted on /api/messages (Teams caps a message near 100 KB); the server's own limit is 30 MB.</summary>
    public const int MaxActivityBytes = 1_048_576;

    /// <summary>
    /// With MicrosoftAppId/MicrosoftAppPassword (and MicrosoftAppTenantId for single-tenant) set, /api/messages
    /// only accepts requests with a valid Bot Framework token; with none set (local use) it accepts anonymous calls.
    /// </summary>
    public static IServiceCollection AddBotFramework(this IServiceCollection services, IConfiguration configuration)
    {
        var appId = configuration["MicrosoftAppId"];
        var password = configuration["MicrosoftAppPassword"];
        if (!string.IsNullOrEmpty(appId) && string.IsNullOrEmpty(password) && string.IsNullOrEmpty(configuration["MicrosoftAppType"]))
            throw new ArgumentException("MicrosoftAppId is set but MicrosoftAppPassword is not: set both (or MicrosoftAppType for managed identity), or neither for local use.");
        services.AddSingleton<BotFrameworkAuthentication>(sp => new GuardedBotFrameworkAuthentication(
            new ConfigurationBotFrameworkAuthentication(configuration, logger: sp.GetRequiredService<ILogger<BotFrameworkAuthentication>>()),
            TimeProvider.System, sp.GetRequiredService<ILogger<GuardedBotFrameworkAuthentication>>()));
        // CloudAdapter has two constructors that DI cannot choose between.
        services.AddSingleton(sp => new AssistantAdapter(sp.GetRequiredService<BotFrameworkAuthentication>(), sp.GetRequiredService<ILogger<CloudAdapter>>(), appId)
        {
            OnTurnError = async (turn, exception) =>
            {
                sp.GetRequiredService<ILogger<CloudAdapter>>().LogError(exception, "Turn failed");
                await turn.SendActivityAsync("Sorry, something went wrong while answering. Please try again.").ConfigureAwait(false);
            },
        });
        services.AddSingleton<IBotFrameworkHttpAdapter>(sp => sp.GetRequiredService<AssistantAdapter>());
        // Conversation state where Storage__Provider says (registered by AddReviewLog): the review log's durable file
        // (bot.db beside the index), or a blob container shared by replicas.
        services.AddSingleton<IBotStateStore>(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageSettings>>().Value;
            return storage.IsAzure
                ? new BlobStateStore(AzureStorageClients.StateContainer(storage))
                : new SqliteStore(DurableSqlite.DefaultPath(sp.GetRequiredService<IOptions<Assistant.Core.AssistantSettings>>().Value));
        });
        services.AddSingleton<IStorage>(sp => sp.GetRequiredService<IBotStateStore>());
        services.AddHostedService<Hosting.IdleEviction>();
        services.AddSingleton(sp => new ConversationState(sp.GetRequiredService<IStorage>()));
        // The bot links to the host's own pages (sources, terms) at the address the client called.
        services.AddHttpContextAccessor();
        services.AddTransient<IBot, AssistantBot>();
        return services;
    }

    public static IEndpointRouteBuilder MapBot(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/messages", async (HttpRequest request, HttpResponse response, IBotFrameworkHttpAdapter adapter, IBot bot, RequestCaller caller,
            IConfiguration configuration, CancellationToken ct) =>
        {
            var authenticated = !string.IsNullOrEmpty(configuration["MicrosoftAppId"]);
            // With an app id configured, a request without a well-formed bearer JWT is refused before any key lookup.
            if (authenticated && !GuardedBotFrameworkAuthentication.LooksLikeJwt(request.Headers.Authorization.ToString()))
                return Results.Json(new { error = "a Bot Framework bearer token is required" }, statusCode: StatusCodes.Status401Unauthorized);
            if (await RequestBodies.ReadAsync(request, MaxActivityBytes, ct).ConfigureAwait(false) is not { } body)
                return Results.Json(new { error = $"the activity is larger than {MaxActivityBytes} bytes" }, statusCode: StatusCodes.Status413PayloadTooLarge);
            // Malformed JSON is a client error: check it before the adapter, which would report a server error.
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (ActivityProblem(doc.RootElement) is { } problem)
                    return Results.BadRequest(new { error = problem });
                if (!authenticated && !RepliesStayLocal(doc.RootElement))
                    return Results.Json(new { error = AnonymousReplies }, statusCode: StatusCodes.Status403Forbidden);
                caller.Key = authenticated ? ChannelUser(doc.RootElement) ?? ClientAddresses.Key(request.HttpContext) : ClientAddresses.Key(request.HttpContext);
            }
            catch (JsonException e)
            {
                return Results.BadRequest(new { error = $"the body is not valid JSON: {e.Message}" });
            }
            request.Body = new MemoryStream(body, writable: false);
            try
            {
                await adapter.ProcessAsync(request, response, bot, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (!response.HasStarted && !ct.IsCancellationRequested && IsDeliveryFailure(e))
            {
                // The turn ran but its reply could not be delivered to the channel's serviceUrl (unreachable, or not 2xx).
                app.ServiceProvider.GetRequiredService<ILogger<AssistantAdapter>>().LogWarning("Could not reach the channel: {Reason}", e.Message);
                return Results.Json(new { error = "the reply could not be delivered to the channel's serviceUrl" }, statusCode: StatusCodes.Status502BadGateway);
            }
            return Results.Empty;
        }).WithTags("Bot Framework");
        return app;
    }

    private const string AnonymousReplies = "without MicrosoftAppId (anonymous, local use) the bot replies only to a loopback serviceUrl, "
        + "or with deliveryMode 'expectReplies' to messages and invokes";

    /// <summary>Whether a failed turn failed because the channel's serviceUrl could not take the reply.</summary>
    private static bool IsDeliveryFailure(Exception e) =>
        e is HttpRequestException or Microsoft.Rest.HttpOperationException or ErrorResponseException or TaskCanceledException
            or System.Net.Sockets.SocketException or IOException
        || (e.InnerException is { } inner && IsDeliveryFailure(inner));

    /// <summary>In anonymous mode nothing leaves the machine: replies go to a loopback serviceUrl, or come back in the response
    /// (expectReplies) for messages and invokes, the activities whose handling makes no other call to the serviceUrl.</summary>
    internal static bool RepliesStayLocal(JsonElement a)
    {
        var url = a.GetProperty("serviceUrl").GetString()!;
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback)
            return true;
        return a.TryGetProperty("deliveryMode", out var mode) && mode.ValueKind == JsonValueKind.String && mode.GetString() == DeliveryModes.ExpectReplies
            && a.GetProperty("type").GetString() is ActivityTypes.Message or ActivityTypes.Invoke;
    }

    /// <summary>The budget key of an authenticated channel's user: the Entra (AAD) object id, else the channel's user id.</summary>
    private static string? ChannelUser(JsonElement a)
    {
        if (!a.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.Object)
            return null;
        if (from.TryGetProperty("aadObjectId", out var aad) && aad.ValueKind == JsonValueKind.String && aad.GetString() is { Length: > 0 } objectId)
            return "aad:" + objectId;
        return from.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } user
            ? $"{a.GetProperty("channelId").GetString()}:{user}"
            : null;
    }

    /// <summary>What makes a body unusable as an activity, or null: the fields every turn needs, with the right types.</summary>
    internal static string? ActivityProblem(JsonElement a)
    {
        static bool Text(JsonElement e, string name, out string value)
        {
            value = e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            return value.Length > 0;
        }
        if (a.ValueKind != JsonValueKind.Object)
            return "the body must be a Bot Framework activity (a JSON object)";
        if (!Text(a, "type", out _))
            return "field 'type' is missing or not a string";
        if (!Text(a, "channelId", out _))
            return "field 'channelId' is missing or not a string";
        if (!a.TryGetProperty("conversation", out var conversation) || !Text(conversation, "id", out _))
            return "field 'conversation.id' is missing or not a string";
        if (!Text(a, "serviceUrl", out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return "field 'serviceUrl' is missing or not an http(s) URL";
        foreach (var account in new[] { "from", "recipient" })
        {
            if (a.TryGetProperty(account, out var v) && v.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                return $"field '{account}' must be an object";
        }
        return null;
    }
}
