using System.Net;
using System.Net.Http.Json;
using Assistant.Bot.Bot;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Bot;

[Trait("Category", "Integration")]
public sealed class BotFrameworkTests : IClassFixture<BotHostFactory>, IAsyncLifetime
{
    private readonly BotHostFactory _factory;
    private ChannelStandIn _channel = null!;

    public BotFrameworkTests(BotHostFactory factory) => _factory = factory;

    public async Task InitializeAsync()
    {
        await _factory.ReadyAsync();
        _channel = await ChannelStandIn.StartAsync();
    }

    public async Task DisposeAsync() => await _channel.DisposeAsync();

    private JObject TeamsMessage(string text, string conversationType = "personal", string conversationId = "a:1on1", JArray? entities = null) =>
        TeamsActivities.Message(_channel.ServiceUrl, text, conversationId, conversationType, entities);

    private async Task<HttpResponseMessage> PostAsync(JObject activity) =>
        await _factory.CreateClient().PostAsync("/api/messages", TeamsActivities.Body(activity));

    [Fact]
    public async Task A_personal_chat_message_gets_a_cited_answer_with_feedback_and_suggestions()
    {
        var response = await PostAsync(TeamsMessage("Can OpenAI models run on AWS?", conversationId: "a:personal-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replies = await _channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "a:personal-1" && (string?)r["type"] == "message");
        var reply = replies[0];
        Assert.Contains("[1]", (string?)reply["text"], StringComparison.Ordinal);
        Assert.Equal("markdown", (string?)reply["textFormat"]);
        Assert.True((bool?)reply["channelData"]?["feedbackLoopEnabled"]);
        var entity = (JObject)reply["entities"]!.Single(e => (string?)e["type"] == "https://schema.org/Message");
        Assert.Equal("AIGeneratedContent", (string?)entity["additionalType"]![0]);
        Assert.NotEmpty(entity["citation"]!);
        Assert.InRange(reply["suggestedActions"]!["actions"]!.Count(), 1, 3);
        Assert.Contains(_channel.Received, r => (string?)r["type"] == "typing" && (string?)r["conversation"]?["id"] == "a:personal-1");
    }

    [Fact]
    public async Task A_channel_mention_is_stripped_before_answering()
    {
        var mention = new JArray(new JObject
        {
            ["type"] = "mention",
            ["text"] = "<at>Assistant</at>",
            ["mentioned"] = new JObject { ["id"] = "28:bot", ["name"] = "Assistant" },
        });

        await PostAsync(TeamsMessage("<at>Assistant</at> How much did Amazon invest in OpenAI?", "channel", "19:channel;messageid=1", mention));

        var reply = (await _channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "19:channel;messageid=1" && (string?)r["type"] == "message"))[0];
        Assert.Contains("$50 billion", (string?)reply["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_member_is_welcomed_with_example_questions()
    {
        var update = TeamsMessage("", conversationId: "a:welcome");
        update["type"] = "conversationUpdate";
        update["membersAdded"] = new JArray(new JObject { ["id"] = "29:user" });

        await PostAsync(update);

        var welcome = (await _channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "a:welcome"))[0];
        Assert.StartsWith("Hi!", (string?)welcome["text"], StringComparison.Ordinal);
        Assert.Equal(3, welcome["suggestedActions"]!["actions"]!.Count());
    }

    [Fact]
    public async Task Commands_answer_without_asking_the_sources()
    {
        await PostAsync(TeamsMessage("/asof 2026-03-01", conversationId: "a:cmd"));
        await PostAsync(TeamsMessage("/asof yesterday", conversationId: "a:cmd"));

        var replies = await _channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "a:cmd", 2);
        Assert.Contains(replies, r => ((string?)r["text"])!.Contains("as the sources stood on 2026-03-01", StringComparison.Ordinal));
        Assert.Contains(replies, r => ((string?)r["text"])!.Contains("YYYY-MM-DD", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Non_text_messages_get_a_polite_text_only_reply()
    {
        var message = TeamsMessage("", conversationId: "a:image");
        message["attachments"] = new JArray(new JObject { ["contentType"] = "image/png", ["contentUrl"] = "https://example.com/a.png" });

        await PostAsync(message);

        var reply = (await _channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "a:image"))[0];
        Assert.Contains("text questions", (string?)reply["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feedback_invoke_is_answered_200_and_stored()
    {
        await PostAsync(TeamsMessage("What runs on Amazon Bedrock?", conversationId: "a:feedback"));
        await _channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "a:feedback" && (string?)r["type"] == "message");
        var invoke = TeamsActivities.Feedback(_channel.ServiceUrl, "a:feedback", "dislike", "missing the GA date");

        var response = await PostAsync(invoke);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await _factory.Services.GetRequiredService<Assistant.Hosting.IReviewLog>().FeedbackAsync();
        var f = stored.Single(s => s.ConversationId == "a:feedback");
        Assert.Equal("dislike", f.Reaction);
        Assert.Equal("missing the GA date", f.Comment);
        Assert.Equal("What runs on Amazon Bedrock?", f.Question);
        Assert.NotNull(f.Answer);
    }

    [Fact]
    public async Task A_follow_up_in_the_same_conversation_uses_the_earlier_turn()
    {
        await PostAsync(TeamsMessage("Can OpenAI models run on AWS?", conversationId: "a:followup"));
        await _channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "a:followup" && (string?)r["type"] == "message");

        await PostAsync(TeamsMessage("And what about the Defense Department?", conversationId: "a:followup"));

        var replies = await _channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "a:followup" && (string?)r["type"] == "message", 2);
        Assert.Contains("classified", (string?)replies[1]["text"], StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"text\": \"no type\"}")]
    public async Task Malformed_activities_are_rejected_with_400(string body)
    {
        var response = await _factory.CreateClient().PostAsync("/api/messages", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

[Trait("Category", "Integration")]
public sealed class BotAuthenticationTests(AuthenticatedBotHostFactory factory) : IClassFixture<AuthenticatedBotHostFactory>
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-jwt")]
    public async Task With_an_app_id_configured_requests_need_a_valid_token(string? authorization)
    {
        var client = factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = JsonContent.Create(new { type = "message", text = "hi", channelId = "msteams", serviceUrl = "http://127.0.0.1:9/", conversation = new { id = "a:x" }, from = new { id = "u" }, recipient = new { id = "b" } }),
        };
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
