using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Assistant.Bot.Bot;
using Assistant.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Bot;

/// <summary>Web Chat's like and dislike reach the review log; links and cards in replies.</summary>
[Trait("Category", "Integration")]
public sealed class FeedbackAndCardTests(BotHostFactory factory) : IClassFixture<BotHostFactory>, IAsyncLifetime
{
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await factory.ReadyAsync();
        _client = factory.CreateClient();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpResponseMessage> Send(HttpMethod method, string url, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _client.SendAsync(request);
    }

    /// <summary>Starts a Direct Line conversation, asks, and returns the bot's answer as Web Chat receives it.</summary>
    private async Task<(string Conversation, string Token, JsonNode Answer)> AskAsync(string question)
    {
        var generated = await (await _client.PostAsJsonAsync("/v3/directline/tokens/generate", new { user = new { id = "user-feedback" } })).Content.ReadFromJsonAsync<JsonObject>();
        var (conversation, token) = ((string)generated!["conversationId"]!, (string)generated["token"]!);
        await Send(HttpMethod.Post, "/v3/directline/conversations", token);
        await Send(HttpMethod.Post, $"/v3/directline/conversations/{conversation}/activities", token, new { type = "message", text = question, from = new { id = "user-feedback" } });
        var poll = await (await Send(HttpMethod.Get, $"/v3/directline/conversations/{conversation}/activities", token)).Content.ReadFromJsonAsync<JsonObject>();
        var answer = poll!["activities"]!.AsArray().Last(a => (string?)a!["type"] == "message" && (string?)a["from"]!["role"] == "bot")!;
        return (conversation, token, answer);
    }

    [Fact]
    public async Task A_dislike_from_web_chat_is_stored_with_its_question_and_answer_and_shows_in_the_report()
    {
        const string question = "Who anchored OpenAI's funding round with NVIDIA?";
        var (conversation, token, answer) = await AskAsync(question);
        var dislike = answer["entities"]![0]!["potentialAction"]!.AsArray().Single(a => (string?)a!["@type"] == "DislikeAction")!;

        // What Web Chat 4.18 posts when the thumbs-down button is pressed.
        var posted = await Send(HttpMethod.Post, $"/v3/directline/conversations/{conversation}/activities", token,
            new { type = "event", name = AssistantBot.WebChatFeedbackEvent, entities = new[] { dislike.DeepClone() }, from = new { id = "user-feedback" } });

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var review = factory.Services.GetRequiredService<IReviewLog>();
        var stored = (await review.FeedbackAsync()).Single(f => f.ConversationId == conversation);
        Assert.Equal("dislike", stored.Reaction);
        Assert.Equal(question, stored.Question);
        Assert.Equal(((string)answer["text"]!)[..40], stored.Answer![..40]);
        Assert.Contains(question, await ReviewReport.RenderAsync(review, null, "md"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_web_chat_answer_quotes_in_pop_ups_and_links_to_how_its_terms_changed()
    {
        var (_, _, answer) = await AskAsync("How much did Amazon invest in OpenAI?");

        var text = (string)answer["text"]!;
        Assert.Matches(@"How this changed: \[amazon-[a-z-]+\]\(http://localhost/terms#amazon-[a-z-]+\)", text);
        Assert.Contains("[1]: cite:1 ", text, StringComparison.Ordinal);
        var claim = answer["entities"]![0]!["citation"]![0]!["appearance"]!;
        Assert.Null(claim["url"]);
        Assert.StartsWith("> ", (string?)claim["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_check_in_teams_comes_back_as_an_adaptive_card_with_a_text_summary()
    {
        await using var channel = await ChannelStandIn.StartAsync();
        var message = TeamsActivities.Message(channel.ServiceUrl, "/check OpenAI's core models run only on Azure.", "a:check-card");

        await factory.CreateClient().PostAsync("/api/messages", TeamsActivities.Body(message));

        var reply = (await channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "a:check-card" && (string?)r["type"] == "message"))[0];
        var attachment = (JObject)reply["attachments"]!.Single();
        Assert.Equal(TalkingPointCard.ContentType, (string?)attachment["contentType"]);
        Assert.Equal("AdaptiveCard", (string?)attachment["content"]!["type"]);
        Assert.Contains("Core infrastructure", attachment["content"]!.ToString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)reply["summary"]));
        Assert.True((bool?)reply["channelData"]?["feedbackLoopEnabled"]);
    }
}
