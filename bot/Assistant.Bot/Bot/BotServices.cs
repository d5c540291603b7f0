using Assistant.Hosting;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.Options;

namespace Assistant.Bot.Bot;

/// <summary>Bot Framework wiring: authentication from configuration, the CloudAdapter, state and the bot.</summary>
public static class BotServices
{
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
        services.AddSingleton<BotFrameworkAuthentication>(sp => new ConfigurationBotFrameworkAuthentication(configuration, logger: sp.GetRequiredService<ILogger<BotFrameworkAuthentication>>()));
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
        app.MapPost("/api/messages", async (HttpRequest request, HttpResponse response, IBotFrameworkHttpAdapter adapter, IBot bot, IConfiguration configuration, CancellationToken ct) =>
        {
            // With an app id configured, a request without a well-formed bearer JWT is refused before any key lookup.
            if (!string.IsNullOrEmpty(configuration["MicrosoftAppId"]) && !LooksLikeJwt(request.Headers.Authorization.ToString()))
                return Results.Json(new { error = "a Bot Framework bearer token is required" }, statusCode: StatusCodes.Status401Unauthorized);
            // Malformed JSON is a client error: check it before the adapter, which would report a server error.
            request.EnableBuffering();
            try
            {
                using var doc = await System.Text.Json.JsonDocument.ParseAsync(request.Body, cancellationToken: ct).ConfigureAwait(false);
                if (ActivityProblem(doc.RootElement) is { } problem)
                    return Results.BadRequest(new { error = problem });
            }
            catch (System.Text.Json.JsonException e)
            {
                return Results.BadRequest(new { error = $"the body is not valid JSON: {e.Message}" });
            }
            request.Body.Position = 0;
            try
            {
                await adapter.ProcessAsync(request, response, bot, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (!response.HasStarted && e is HttpRequestException or Microsoft.Rest.HttpOperationException or TaskCanceledException)
            {
                // The turn ran but its reply could not be delivered to the channel's serviceUrl.
                app.ServiceProvider.GetRequiredService<ILogger<AssistantAdapter>>().LogWarning("Could not reach the channel: {Reason}", e.Message);
                return Results.Json(new { error = "the reply could not be delivered to the channel's serviceUrl" }, statusCode: StatusCodes.Status502BadGateway);
            }
            return Results.Empty;
        }).WithTags("Bot Framework");
        return app;
    }

    /// <summary>What makes a body unusable as an activity, or null: the fields every turn needs, with the right types.</summary>
    internal static string? ActivityProblem(System.Text.Json.JsonElement a)
    {
        static bool Text(System.Text.Json.JsonElement e, string name, out string value)
        {
            value = e.ValueKind == System.Text.Json.JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString()! : "";
            return value.Length > 0;
        }
        if (a.ValueKind != System.Text.Json.JsonValueKind.Object)
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
            if (a.TryGetProperty(account, out var v) && v.ValueKind is not (System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Null))
                return $"field '{account}' must be an object";
        }
        return null;
    }

    private static bool LooksLikeJwt(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && authorization[7..].Trim().Split('.') is [{ Length: > 0 }, { Length: > 0 }, { Length: > 0 }];
}
