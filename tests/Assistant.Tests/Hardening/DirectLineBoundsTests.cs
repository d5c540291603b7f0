using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Assistant.Bot.Bot;
using Assistant.Tests.Bot;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Tests.Hardening;

/// <summary>The host with small Direct Line caps, so that each shows within a test; budgets off.</summary>
public sealed class BoundedDirectLineHostFactory : BotHostFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["DirectLine:MaxActivityBytes"] = "4096",
        ["DirectLine:MaxActivitiesPerConversation"] = "10",
        ["DirectLine:MaxConversationBytes"] = "6000",
        ["DirectLine:MaxConversationsPerClient"] = "3",
        ["Assistant:MaxHistoryTurns"] = "2",
        ["RateLimit:UserPerMinute"] = "0",
        ["RateLimit:TokensPerMinute"] = "0",
    };
}

/// <summary>Direct Line keeps bounded memory: bodies, questions, activities and bytes per conversation, conversations per client.</summary>
[Trait("Category", "Integration")]
public sealed class DirectLineBoundsTests(BoundedDirectLineHostFactory factory) : IClassFixture<BoundedDirectLineHostFactory>
{
    private async Task<DirectLineClient> StartAsync(string client = "192.0.2.1")
    {
        await factory.ReadyAsync();
        return await DirectLineClient.StartAsync(factory.ClientFrom(client));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_naming_the_setting_and_not_stored()
    {
        var dl = await StartAsync();
        var text = new string('a', 8000);

        var response = await dl.PostAsync(text);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("DirectLine__MaxActivityBytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(text, await (await dl.PollResponseAsync()).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_while_it_is_read()
    {
        var dl = await StartAsync();
        var json = Encoding.UTF8.GetBytes($$"""{"type":"message","text":"{{new string('b', 8000)}}"}""");
        var content = new StreamContent(new MemoryStream(json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await dl.PostAsync(content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_question_over_the_question_limit_is_refused_with_413_before_it_is_stored()
    {
        var dl = await StartAsync();
        var question = "Can OpenAI run on AWS? " + new string('x', 2000);

        var response = await dl.PostAsync(question);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("MessageSizeTooBig", (string?)error["code"]);
        Assert.Contains("the limit is 2000 characters (Assistant__MaxQuestionLength)", (string?)error["message"], StringComparison.Ordinal);
        var stored = (await dl.PollAsync())["activities"]!.AsArray();
        Assert.DoesNotContain(stored, a => (string?)a!["from"]?["role"] == "user");
    }

    [Fact]
    public async Task A_conversation_keeps_only_its_newest_activities_and_watermarks_keep_counting()
    {
        var dl = await StartAsync();
        for (var i = 0; i < 8; i++)
            Assert.Equal(HttpStatusCode.OK, (await dl.PostAsync("/reset")).StatusCode);

        var poll = await dl.PollAsync();

        var activities = poll["activities"]!.AsArray();
        Assert.InRange(activities.Count, 1, 10);
        Assert.Equal("17", (string?)poll["watermark"]); // the welcome, then 8 posts and 8 replies
        Assert.Equal("Done: I've forgotten this conversation.", (string?)activities[^1]!["text"]);
        Assert.Empty((await dl.PollAsync("17"))["activities"]!.AsArray());
    }

    [Fact]
    public async Task A_conversation_and_its_polls_stay_within_the_byte_cap()
    {
        var dl = await StartAsync();
        for (var i = 0; i < 8; i++)
            Assert.Equal(HttpStatusCode.OK, (await dl.PostAsync("/help")).StatusCode);

        var body = await (await dl.PollResponseAsync()).Content.ReadAsStringAsync();

        Assert.InRange(body.Length, 1, 6000 + 100); // the activities, plus the envelope and watermark
        Assert.Contains("/check STATEMENT", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_past_its_conversation_cap_loses_its_least_recently_active_conversation()
    {
        var first = await StartAsync("192.0.2.50");
        var others = new List<DirectLineClient>();
        for (var i = 0; i < 3; i++)
            others.Add(await StartAsync("192.0.2.50"));
        var elsewhere = await StartAsync("192.0.2.51");

        Assert.Equal(HttpStatusCode.NotFound, (await first.PollResponseAsync()).StatusCode);
        foreach (var dl in others.Append(elsewhere))
            Assert.Equal(HttpStatusCode.OK, (await dl.PollResponseAsync()).StatusCode);
    }

    [Fact]
    public async Task The_bot_remembers_at_most_the_configured_number_of_turns()
    {
        var dl = await StartAsync();
        foreach (var q in new[] { "Can OpenAI models run on AWS?", "What runs on Amazon Bedrock?", "How much did Amazon invest in OpenAI?", "And what about the Defense Department?" })
            Assert.Equal(HttpStatusCode.OK, (await dl.PostAsync(q)).StatusCode);

        var key = $"directline/conversations/{dl.Conversation}";
        var stored = await factory.Services.GetRequiredService<IStorage>().ReadAsync([key]);
        var data = ((Newtonsoft.Json.Linq.JObject)stored[key])[nameof(ConversationData)]!.ToObject<ConversationData>()!;
        Assert.Equal(["How much did Amazon invest in OpenAI?", "And what about the Defense Department?"], data.Turns.Select(t => t.Turn.Question));
    }
}
