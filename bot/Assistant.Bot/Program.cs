using Assistant.Bot.Api;
using Assistant.Bot.Bot;
using Assistant.Bot.DirectLine;
using Assistant.Bot.Hosting;
using Assistant.Bot.Pages;
using Assistant.Bot.Security;
using Assistant.Hosting;

var builder = WebApplication.CreateBuilder(args);

// Configuration: appsettings.json, environment variables (Section__Key), command line. Default URL for local use.
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
    builder.WebHost.UseUrls("http://localhost:3978");

// Anonymous mode (no MicrosoftAppId) is for local use: not on an address other computers reach, unless explicitly allowed.
if (AnonymousMode.Refusal(builder.Configuration) is { } refusal)
{
    Console.Error.WriteLine($"error: {refusal}");
    return 1;
}

// Logs carry the trace and span ids and the request's correlation id (Logging__Console__FormatterName=json for JSON lines).
builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

// Services: the assistant (the same composition as the CLI, settings validated at start-up), then the surfaces.
builder.Services.AddAssistant(builder.Configuration);
builder.Services.AddReviewLogWriter(builder.Configuration);
builder.Services.AddHostedService<IndexStartup>();
builder.Services.AddReplicas(builder.Configuration);
builder.Services.AddBotFramework(builder.Configuration);
builder.Services.AddDirectLine(builder.Configuration);
builder.Services.AddWebSecurity(builder.Configuration);
builder.Services.AddClientAddresses(builder.Configuration);
builder.Services.AddRateLimits(builder.Configuration);
builder.Services.AddOpenApi();
builder.Services.AddAssistantTelemetry(builder.Configuration);

var app = builder.Build();

// A data folder that cannot be written (read-only, full) stops the host here with its name, not later with a stack trace.
try
{
    if (DataFolder.Problem(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Assistant.Core.AssistantSettings>>().Value) is { } problem)
    {
        Console.Error.WriteLine($"error: {problem}");
        return 1;
    }
}
catch (Microsoft.Extensions.Options.OptionsValidationException e)
{
    foreach (var failure in e.Failures)
        Console.Error.WriteLine($"error: {failure}");
    return 1;
}

// Endpoints.
app.UseClientAddresses();
app.UseCorrelationIds();
app.UseWebSecurity(app.Configuration);
app.UseRateLimiter();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapBot();
app.MapDirectLine();
app.MapAssistantApi();
app.MapSourcePages();
app.MapTermsPages();
app.MapOpenApi();
app.MapGet("/webchat/config.js", (IConfiguration c) => Results.Text(
    $"window.ASSISTANT_DIRECT_LINE = {System.Text.Json.JsonSerializer.Serialize(c["WebChat:DirectLineDomain"] ?? "")};\n" +
    $"window.ASSISTANT_TOKEN_URL = {System.Text.Json.JsonSerializer.Serialize(c["WebChat:TokenUrl"] ?? "")};\n", "text/javascript"));

app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var url in app.Urls)
        app.Logger.LogInformation("Chat page: {Url}/  ·  API: {Url}/api/ask  ·  OpenAPI: {Url}/openapi/v1.json", url.TrimEnd('/'), url.TrimEnd('/'), url.TrimEnd('/'));
    if (AnonymousMode.IsAnonymous(app.Configuration) && AnonymousMode.PublicAddresses(app.Configuration) is { Count: > 0 } exposed)
    {
        app.Logger.LogWarning("Anonymous mode on {Addresses} (Hosting__AllowAnonymousOnPublicAddress=true): /api/messages accepts unauthenticated "
            + "activities from anyone who can reach these addresses; set MicrosoftAppId to require Bot Framework tokens", string.Join(", ", exposed));
    }
});

app.Run();
return 0;

/// <summary>Entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
