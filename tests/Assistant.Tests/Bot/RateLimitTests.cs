using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Bot;

/// <summary>The host with tiny budgets, so the limits show within a test.</summary>
public sealed class LimitedBotHostFactory : BotHostFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimit:UserPerMinute"] = "2",
        ["RateLimit:TokensPerMinute"] = "50",
    };
}

[Trait("Category", "Integration")]
public sealed class RateLimitTests(LimitedBotHostFactory factory) : IClassFixture<LimitedBotHostFactory>
{
    [Fact]
    public async Task The_api_answers_429_with_retry_after_past_the_budget()
    {
        await factory.ReadyAsync();
        var client = factory.ClientFrom("203.0.113.7");

        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/ask", new { question = "What runs on Amazon Bedrock?" })).StatusCode);
        var limited = await client.PostAsJsonAsync("/api/ask", new { question = "What runs on Amazon Bedrock?" });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("rate", (string?)(await limited.Content.ReadFromJsonAsync<JsonObject>())!["field"]);
    }

    [Fact]
    public async Task A_direct_line_conversation_is_limited_on_its_own()
    {
        await factory.ReadyAsync();
        var client = factory.CreateClient();
        async Task<(string Id, string Token)> Start()
        {
            var t = await (await client.PostAsJsonAsync("/v3/directline/tokens/generate", new { })).Content.ReadFromJsonAsync<JsonObject>();
            return ((string)t!["conversationId"]!, (string)t["token"]!);
        }
        async Task<HttpStatusCode> Post((string Id, string Token) c)
        {
            var r = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{c.Id}/activities") { Content = JsonContent.Create(new { type = "message", text = "/help" }) };
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", c.Token);
            return (await client.SendAsync(r)).StatusCode;
        }
        var a = await Start();
        var b = await Start();

        Assert.Equal(HttpStatusCode.OK, await Post(a));
        Assert.Equal(HttpStatusCode.OK, await Post(a));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Post(a));
        Assert.Equal(HttpStatusCode.OK, await Post(b));
    }

    [Fact]
    public async Task In_teams_the_bot_says_to_wait()
    {
        await factory.ReadyAsync();
        await using var channel = await ChannelStandIn.StartAsync();
        var client = factory.CreateClient();

        for (var i = 0; i < 3; i++)
            await client.PostAsync("/api/messages", TeamsActivities.Body(TeamsActivities.Message(channel.ServiceUrl, "/help", "a:limited")));

        var replies = await channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "a:limited", 3);
        Assert.Contains(replies, r => ((string?)r["text"])!.Contains("Please wait", StringComparison.Ordinal));
    }
}
