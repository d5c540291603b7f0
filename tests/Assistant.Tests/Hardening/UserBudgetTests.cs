using System.Net;
using System.Net.Http.Json;
using Assistant.Tests.Bot;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Hardening;

/// <summary>The host with a budget of two units per minute per user, and one trusted proxy.</summary>
public sealed class TightBudgetHostFactory : BotHostFactory
{
    public const string Proxy = "10.0.0.1";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimit:UserPerMinute"] = "2",
        ["RateLimit:TokensPerMinute"] = "0",
        ["ForwardedHeaders:KnownProxies:0"] = Proxy,
    };
}

/// <summary>One budget per user on every surface: the API, Direct Line, Teams and any channel id; history costs; the token comes first.</summary>
[Trait("Category", "Integration")]
public sealed class UserBudgetTests(TightBudgetHostFactory factory) : IClassFixture<TightBudgetHostFactory>, IAsyncLifetime
{
    private ChannelStandIn _channel = null!;

    public async Task InitializeAsync()
    {
        await factory.ReadyAsync();
        _channel = await ChannelStandIn.StartAsync();
    }

    public async Task DisposeAsync() => await _channel.DisposeAsync();

    private static Task<HttpResponseMessage> AskAsync(HttpClient client, object? body = null) =>
        client.PostAsJsonAsync("/api/ask", body ?? new { question = "What runs on Amazon Bedrock?" });

    private JObject Activity(string channelId, string text)
    {
        var activity = TeamsActivities.Message(_channel.ServiceUrl, text, "conv-" + Guid.NewGuid().ToString("N"));
        activity["channelId"] = channelId;
        activity["from"] = new JObject { ["id"] = "user-" + Guid.NewGuid().ToString("N"), ["aadObjectId"] = Guid.NewGuid().ToString() };
        return activity;
    }

    [Fact]
    public async Task Twenty_posts_without_a_valid_token_do_not_use_up_the_victims_budget()
    {
        var client = factory.ClientFrom("198.51.100.30");
        var victim = await DirectLineClient.StartAsync(client);
        var forged = victim.Token[..^2] + (victim.Token[^2..] == "AA" ? "BB" : "AA");

        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.Forbidden, (await victim.PostAsync("/help", i % 2 == 0 ? forged : "no-token")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await victim.PostAsync("/help")).StatusCode);
    }

    [Fact]
    public async Task Activities_labelled_directline_on_the_bot_endpoint_draw_from_the_budget()
    {
        var client = factory.ClientFrom("198.51.100.31");
        var activities = Enumerable.Range(0, 3).Select(_ => Activity("directline", "/help")).ToList();

        foreach (var activity in activities)
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/messages", TeamsActivities.Body(activity))).StatusCode);

        var last = (string?)activities[^1]["conversation"]!["id"];
        var reply = (await _channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == last))[0];
        Assert.Contains("Please wait", (string?)reply["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fresh_conversation_ids_with_expect_replies_do_not_reset_the_budget()
    {
        var client = factory.ClientFrom("198.51.100.32");
        var bodies = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var activity = Activity("emulator", "/help");
            activity["deliveryMode"] = "expectReplies";
            activity["serviceUrl"] = "https://channel.example.invalid/";
            var response = await client.PostAsync("/api/messages", TeamsActivities.Body(activity));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Contains("Please wait", bodies[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_and_the_bot_draw_from_one_budget_per_client()
    {
        var client = factory.ClientFrom("198.51.100.33");

        Assert.Equal(HttpStatusCode.OK, (await AskAsync(client)).StatusCode);
        await client.PostAsync("/api/messages", TeamsActivities.Body(Activity("msteams", "/help")));

        Assert.Equal(HttpStatusCode.TooManyRequests, (await AskAsync(client)).StatusCode);
    }

    [Fact]
    public async Task Feedback_invokes_draw_from_the_budget()
    {
        var client = factory.ClientFrom("198.51.100.36");
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 3; i++)
            statuses.Add((await client.PostAsync("/api/messages", TeamsActivities.Body(TeamsActivities.Feedback(_channel.ServiceUrl, "a:feedback-flood", "like", "ok")))).StatusCode);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task History_counts_against_the_budget()
    {
        var client = factory.ClientFrom("198.51.100.34");
        var history = new[] { new string('a', 1500) + " Azure?", new string('b', 1500) + " AWS?" };

        var response = await AskAsync(client, new { question = "And what about the Defense Department?", history });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
    }

    [Fact]
    public async Task Behind_a_known_proxy_each_forwarded_client_has_its_own_budget()
    {
        var proxy = factory.ClientFrom(TightBudgetHostFactory.Proxy);
        Task<HttpResponseMessage> Ask(string client)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/ask") { Content = JsonContent.Create(new { question = "What runs on Amazon Bedrock?" }) };
            request.Headers.Add("X-Forwarded-For", client);
            return proxy.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.OK, (await Ask("203.0.113.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Ask("203.0.113.1")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Ask("203.0.113.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Ask("203.0.113.2")).StatusCode);
    }

    [Fact]
    public async Task A_client_that_is_not_a_known_proxy_cannot_choose_its_budget_with_x_forwarded_for()
    {
        var client = factory.ClientFrom("198.51.100.35");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/ask") { Content = JsonContent.Create(new { question = "What runs on Amazon Bedrock?" }) };
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{100 + i}");
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}

/// <summary>History is bounded by settings on the API: turns and characters, each refused with 413 naming its setting.</summary>
[Trait("Category", "Integration")]
public sealed class HistoryLimitTests(BotHostFactory factory) : IClassFixture<BotHostFactory>
{
    [Theory]
    [InlineData(11, 10, "Assistant__MaxHistoryTurns")]
    [InlineData(4, 1999, "Assistant__MaxHistoryCharacters")]
    public async Task History_over_a_limit_is_413_naming_the_setting(int turns, int length, string setting)
    {
        await factory.ReadyAsync();
        var history = Enumerable.Range(0, turns).Select(i => new string('q', length)).ToArray();

        var response = await factory.ClientFrom("198.51.100.40").PostAsJsonAsync("/api/ask", new { question = "What runs on Amazon Bedrock?", history });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
        Assert.Equal("history", (string?)error!["field"]);
        Assert.Contains(setting, (string?)error["error"], StringComparison.Ordinal);
    }
}
