using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Assistant.Bot.DirectLine;

namespace Assistant.Tests.Bot;

[Trait("Category", "Integration")]
public sealed class DirectLineTests(BotHostFactory factory) : IClassFixture<BotHostFactory>, IAsyncLifetime
{
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await factory.ReadyAsync();
        _client = factory.CreateClient();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(string Conversation, string Token)> StartAsync()
    {
        var generated = await (await _client.PostAsJsonAsync("/v3/directline/tokens/generate", new { user = new { id = "dl_user" } })).Content.ReadFromJsonAsync<JsonObject>();
        var token = (string)generated!["token"]!;
        var started = await Send(HttpMethod.Post, "/v3/directline/conversations", token);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        return ((string)generated["conversationId"]!, token);
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string url, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _client.SendAsync(request);
    }

    private async Task<JsonObject> PollAsync(string conversation, string token, string watermark = "") =>
        (await (await Send(HttpMethod.Get, $"/v3/directline/conversations/{conversation}/activities?watermark={watermark}", token)).Content.ReadFromJsonAsync<JsonObject>())!;

    [Fact]
    public async Task A_new_conversation_starts_with_the_welcome_message()
    {
        var (conversation, token) = await StartAsync();

        var poll = await PollAsync(conversation, token);

        var first = poll["activities"]!.AsArray()[0]!;
        Assert.Equal("bot", (string?)first["from"]!["role"]);
        Assert.StartsWith("Hi!", (string?)first["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_posted_message_is_echoed_with_its_id_and_client_activity_id_then_answered()
    {
        var (conversation, token) = await StartAsync();
        var before = (string)(await PollAsync(conversation, token))["watermark"]!;

        var posted = await Send(HttpMethod.Post, $"/v3/directline/conversations/{conversation}/activities", token,
            new { type = "message", text = "Can OpenAI models run on AWS?", from = new { id = "dl_user" }, channelData = new { clientActivityID = "client-1" } });

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var id = (string)(await posted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        var poll = await PollAsync(conversation, token, before);
        var activities = poll["activities"]!.AsArray();
        var echo = activities.Single(a => (string?)a!["id"] == id)!;
        Assert.Equal("client-1", (string?)echo["channelData"]!["clientActivityID"]);
        Assert.Equal("user", (string?)echo["from"]!["role"]);
        var answer = activities.Last(a => (string?)a!["type"] == "message")!;
        Assert.Equal("bot", (string?)answer["from"]!["role"]);
        Assert.NotNull(answer["timestamp"]);
        Assert.NotNull(answer["id"]);
        Assert.Contains("[1]", (string?)answer["text"], StringComparison.Ordinal);
        Assert.Equal("https://schema.org/Message", (string?)answer["entities"]![0]!["type"]);
        Assert.True(int.Parse((string)poll["watermark"]!, System.Globalization.CultureInfo.InvariantCulture) > int.Parse(before, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty((await PollAsync(conversation, token, (string)poll["watermark"]!))["activities"]!.AsArray());
    }

    [Fact]
    public async Task A_token_for_one_conversation_cannot_read_or_post_to_another()
    {
        var (mine, myToken) = await StartAsync();
        var (other, _) = await StartAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, $"/v3/directline/conversations/{other}/activities", myToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, $"/v3/directline/conversations/{other}/activities", myToken, new { type = "message", text = "hi" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, $"/v3/directline/conversations/{mine}/activities", myToken)).StatusCode);
    }

    [Fact]
    public async Task Missing_forged_and_expired_tokens_are_refused()
    {
        var (conversation, token) = await StartAsync();
        var forged = token[..^2] + (token[^2..] == "AA" ? "BB" : "AA");
        var expired = new DirectLineTokens(new byte[32], TimeSpan.FromSeconds(-5)).Issue(conversation, "dl_user");

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, $"/v3/directline/conversations/{conversation}/activities", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, $"/v3/directline/conversations/{conversation}/activities", forged)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, $"/v3/directline/conversations/{conversation}/activities", expired)).StatusCode);
    }

    [Fact]
    public async Task A_refreshed_token_keeps_the_conversation()
    {
        var (conversation, token) = await StartAsync();

        var refreshed = await (await Send(HttpMethod.Post, "/v3/directline/tokens/refresh", token)).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(conversation, (string?)refreshed!["conversationId"]);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, $"/v3/directline/conversations/{conversation}/activities", (string)refreshed["token"]!)).StatusCode);
    }

    [Fact]
    public async Task A_malformed_activity_is_a_400_not_a_500()
    {
        var (conversation, token) = await StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{conversation}/activities")
        {
            Content = new StringContent("{\"type\": ", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        Assert.Equal(HttpStatusCode.BadRequest, (await _client.SendAsync(request)).StatusCode);
    }
}

[Trait("Category", "Integration")]
public sealed class HttpApiTests(BotHostFactory factory) : IClassFixture<BotHostFactory>, IAsyncLifetime
{
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await factory.ReadyAsync();
        _client = factory.CreateClient();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Ask_returns_the_answer_contract()
    {
        var response = await _client.PostAsJsonAsync("/api/ask", new { question = "And what about the Defense Department?", history = new[] { "Can OpenAI models run on AWS?" }, as_of = "2026-03-01" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("info", (string?)answer!["verdict"]);
        Assert.Contains("government", answer["layers"]!.AsArray().Select(l => (string?)l));
        Assert.Equal("2026-03-01", (string?)answer["as_of"]);
    }

    [Fact]
    public async Task Check_returns_a_talking_point_verdict()
    {
        var response = await _client.PostAsJsonAsync("/api/check", new { question = "OpenAI's core models are hosted only on Microsoft Azure.", as_of = "2026-03-01" });

        Assert.Equal("supported", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["verdict"]);
    }

    [Theory]
    [InlineData("{\"question\": \"\"}", 400, "question")]
    [InlineData("{\"question\": \"ok\", \"as_of\": \"01/03/2026\"}", 400, "as_of")]
    [InlineData("{\"question\": ", 400, "body")]
    [InlineData("null", 400, "question")]
    public async Task Bad_input_gets_a_json_error_naming_the_field(string body, int status, string field)
    {
        var response = await _client.PostAsync("/api/ask", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(field, (string?)error!["field"]);
    }

    [Fact]
    public async Task An_oversized_question_is_413()
    {
        var response = await _client.PostAsJsonAsync("/api/ask", new { question = new string('x', 2001) });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Health_readiness_and_openapi_are_served()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/readyz")).StatusCode);
        var openapi = await _client.GetStringAsync("/openapi/v1.json");
        using var doc = JsonDocument.Parse(openapi);
        Assert.True(doc.RootElement.GetProperty("paths").TryGetProperty("/api/ask", out _));
    }

    [Fact]
    public async Task The_chat_page_and_embed_script_are_served()
    {
        var page = await _client.GetStringAsync("/");
        Assert.Contains("/webchat/webchat.js", page, StringComparison.Ordinal);
        Assert.Contains("id=\"assistant-chat\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/webchat/embed.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/webchat/webchat.js")).StatusCode);
    }
}

[Trait("Category", "Integration")]
public sealed class WebSecurityTests(CorsBotHostFactory factory) : IClassFixture<CorsBotHostFactory>
{
    [Fact]
    public async Task The_page_carries_security_headers()
    {
        var response = await factory.CreateClient().GetAsync("/");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'self'", csp, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://intranet.example.com", true)]
    [InlineData("https://elsewhere.example.org", false)]
    public async Task Only_configured_origins_may_call_from_a_browser(string origin, bool allowed)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/v3/directline/tokens/generate");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Contains(origin));
    }
}

/// <summary>The host with one intranet origin allowed for CORS.</summary>
public sealed class CorsBotHostFactory : BotHostFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Cors:AllowedOrigins:0"] = "https://intranet.example.com",
    };
}
