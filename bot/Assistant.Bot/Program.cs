using Assistant.Bot.Api;
using Assistant.Bot.Bot;
using Assistant.Bot.DirectLine;
using Assistant.Bot.Hosting;
using Assistant.Bot.Security;
using Assistant.Core;

var builder = WebApplication.CreateBuilder(args);

// Configuration: appsettings.json, environment variables (Section__Key), command line. Default URL for local use.
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
    builder.WebHost.UseUrls("http://localhost:3978");
var settings = builder.Configuration.GetSection(AssistantSettings.Section).Get<AssistantSettings>() ?? new AssistantSettings();
settings.Validate();
var openAI = (builder.Configuration.GetSection(AzureOpenAISettings.Section).Get<AzureOpenAISettings>() ?? new AzureOpenAISettings()).Validate();
var index = (builder.Configuration.GetSection(IndexSettings.Section).Get<IndexSettings>() ?? new IndexSettings()).Validate();
var qdrant = builder.Configuration.GetSection(QdrantSettings.Section).Get<QdrantSettings>() ?? new QdrantSettings();
if (index.Provider == IndexSettings.Qdrant)
    qdrant.Validate();
var dataDir = Path.GetDirectoryName(settings.Index!)!;

// Logs carry the trace and span ids and the request's correlation id (Logging__Console__FormatterName=json for JSON lines).
builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

// Services.
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(openAI);
builder.Services.AddSingleton(index);
builder.Services.AddSingleton(qdrant);
builder.Services.AddSingleton<AssistantHost>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<AssistantHost>());
builder.Services.AddBotFramework(builder.Configuration, dataDir);
builder.Services.AddDirectLine(builder.Configuration, dataDir);
builder.Services.AddWebSecurity(builder.Configuration);
builder.Services.AddRateLimits(builder.Configuration);
builder.Services.AddOpenApi();
builder.Services.AddAssistantTelemetry(builder.Configuration);

var app = builder.Build();

// Endpoints.
app.UseCorrelationIds();
app.UseWebSecurity(app.Configuration);
app.UseRateLimiter();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapBot();
app.MapDirectLine();
app.MapAssistantApi();
app.MapOpenApi();
app.MapGet("/webchat/config.js", (IConfiguration c) => Results.Text(
    $"window.ASSISTANT_DIRECT_LINE = {System.Text.Json.JsonSerializer.Serialize(c["WebChat:DirectLineDomain"] ?? "")};\n" +
    $"window.ASSISTANT_TOKEN_URL = {System.Text.Json.JsonSerializer.Serialize(c["WebChat:TokenUrl"] ?? "")};\n", "text/javascript"));

app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var url in app.Urls)
        app.Logger.LogInformation("Chat page: {Url}/  ·  API: {Url}/api/ask  ·  OpenAPI: {Url}/openapi/v1.json", url.TrimEnd('/'), url.TrimEnd('/'), url.TrimEnd('/'));
});

app.Run();

/// <summary>Entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
