using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;

namespace Assistant.Bot.Bot;

/// <summary>Bot Framework wiring: authentication from configuration, the CloudAdapter, state and the bot.</summary>
public static class BotServices
{
    /// <summary>
    /// With MicrosoftAppId/MicrosoftAppPassword (and MicrosoftAppTenantId for single-tenant) set, /api/messages
    /// only accepts requests with a valid Bot Framework token; with none set (local use) it accepts anonymous calls.
    /// </summary>
    public static IServiceCollection AddBotFramework(this IServiceCollection services, IConfiguration configuration, string dataDir)
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
        var store = new SqliteStore(Path.Combine(dataDir, "bot.db"));
        services.AddSingleton(store);
        services.AddSingleton<IStorage>(store);
        services.AddSingleton(sp => new ConversationState(sp.GetRequiredService<IStorage>()));
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
                if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object || !doc.RootElement.TryGetProperty("type", out _))
                    return Results.BadRequest(new { error = "the body must be a Bot Framework activity with a 'type'" });
            }
            catch (System.Text.Json.JsonException e)
            {
                return Results.BadRequest(new { error = $"the body is not valid JSON: {e.Message}" });
            }
            request.Body.Position = 0;
            await adapter.ProcessAsync(request, response, bot, ct).ConfigureAwait(false);
            return Results.Empty;
        }).WithTags("Bot Framework");
        return app;
    }

    private static bool LooksLikeJwt(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && authorization[7..].Trim().Split('.') is [{ Length: > 0 }, { Length: > 0 }, { Length: > 0 }];
}
