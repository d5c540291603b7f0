using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Assistant.Tests.Bot;
using Assistant.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Assistant.Tests.Reliability;

/// <summary>The host with every kind of secret configured, logging everything at Trace level into memory.</summary>
public sealed class SecretsBotHostFactory : BotHostFactory
{
    public const string AppPassword = "pw-SECRET-4711-app";
    public const string TokenSecret = "dl-SECRET-0123456789-0123456789-0123456789";
    public const string ModelKey = "aoai-SECRET-8842-key";
    public const string BearerToken = "bearer-SECRET-token-77";

    public CapturingLoggerProvider Logs { get; } = new();

    public AzureOpenAIStandIn Model { get; } = AzureOpenAIStandIn.StartAsync().GetAwaiter().GetResult();

    public SecretsBotHostFactory() => Model.Reply = _ => new ModelReply("", Status: 500);

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["MicrosoftAppType"] = "MultiTenant",
        ["MicrosoftAppId"] = "00000000-0000-0000-0000-000000000002",
        ["MicrosoftAppPassword"] = AppPassword,
        ["DirectLine:TokenSecret"] = TokenSecret,
        ["AzureOpenAI:Endpoint"] = Model.Endpoint,
        ["AzureOpenAI:ApiKey"] = ModelKey,
        ["AzureOpenAI:ChatDeployment"] = "chat-dep",
        ["AzureOpenAI:MaxRetries"] = "0",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Model.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

[Trait("Category", "Integration")]
public sealed class SecretAuditTests(SecretsBotHostFactory factory) : IClassFixture<SecretsBotHostFactory>
{
    [Fact]
    public async Task No_key_password_or_token_reaches_the_logs_even_at_trace_level()
    {
        await factory.ReadyAsync();
        var client = factory.CreateClient();

        var unauthorized = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(new { type = "message", text = "hi" }) };
        unauthorized.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecretsBotHostFactory.BearerToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(unauthorized)).StatusCode);

        var generated = await (await client.PostAsJsonAsync("/v3/directline/tokens/generate", new { user = new { id = "dl_audit" } })).Content.ReadFromJsonAsync<JsonObject>();
        var token = (string)generated!["token"]!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await client.PostAsync("/v3/directline/conversations", null);
        var posted = await client.PostAsJsonAsync($"/v3/directline/conversations/{generated["conversationId"]}/activities",
            new { type = "message", text = "Can OpenAI models run on AWS?", from = new { id = "dl_audit" } });
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var refreshed = await (await client.PostAsync("/v3/directline/tokens/refresh", null)).Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = null;
        var answer = await (await client.PostAsJsonAsync("/api/ask", new { question = "What runs on Amazon Bedrock?" })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("extractive", (string?)answer!["mode"]); // the model failed, and that was logged

        var lines = factory.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("Generative answer failed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("CorrelationId=", StringComparison.Ordinal));
        string[] secrets = [SecretsBotHostFactory.AppPassword, SecretsBotHostFactory.TokenSecret, SecretsBotHostFactory.ModelKey,
            SecretsBotHostFactory.BearerToken, token, (string)refreshed!["token"]!];
        foreach (var secret in secrets)
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
    }
}
