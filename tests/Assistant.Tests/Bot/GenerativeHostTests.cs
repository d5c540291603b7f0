using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Assistant.Tests.Support;

namespace Assistant.Tests.Bot;

/// <summary>The host with AzureOpenAI__* pointing at the loopback stand-in.</summary>
public class GenerativeBotHostFactory : BotHostFactory
{
    public AzureOpenAIStandIn Model { get; } = AzureOpenAIStandIn.StartAsync().GetAwaiter().GetResult();

    public GenerativeBotHostFactory() =>
        Model.Reply = c => new ModelReply(c.CopyingReply(), Chunks: 10);

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["AzureOpenAI:Endpoint"] = Model.Endpoint,
        ["AzureOpenAI:ApiKey"] = "host-test-key",
        ["AzureOpenAI:ChatDeployment"] = "chat-dep",
        ["AzureOpenAI:MaxRetries"] = "0",
        ["Bot:StreamIntervalMs"] = "0",
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Model.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

[Trait("Category", "Integration")]
public sealed class GenerativeHostTests(GenerativeBotHostFactory factory) : IClassFixture<GenerativeBotHostFactory>, IAsyncLifetime
{
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await factory.ReadyAsync();
        _client = factory.CreateClient();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Ask_stream_sends_the_text_so_far_then_the_cited_answer_as_server_sent_events()
    {
        var response = await _client.PostAsJsonAsync("/api/ask/stream", new { question = "Can OpenAI models run on AWS?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync())
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('\n'))
            .Select(lines => (Name: lines[0]["event: ".Length..], Data: JsonNode.Parse(lines[1]["data: ".Length..])!))
            .ToList();
        Assert.Equal("delta", events[0].Name);
        Assert.Equal("answer", events[^1].Name);
        Assert.Equal("generative", (string?)events[^1].Data["mode"]);
        Assert.Equal((string?)events[^2].Data["text"], (string?)events[^1].Data["answer"]);
        Assert.NotEmpty(events[^1].Data["citations"]!.AsArray());
    }

    [Fact]
    public async Task Ask_stream_rejects_bad_input_with_a_json_error()
    {
        var response = await _client.PostAsJsonAsync("/api/ask/stream", new { question = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("question", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]);
    }

    [Fact]
    public async Task Web_chat_receives_a_livestream_informative_then_interim_then_final_message()
    {
        var generated = await (await _client.PostAsJsonAsync("/v3/directline/tokens/generate", new { user = new { id = "dl_stream" } })).Content.ReadFromJsonAsync<JsonObject>();
        var token = (string)generated!["token"]!;
        var conversation = (string)generated["conversationId"]!;
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await _client.PostAsync("/v3/directline/conversations", null);
        var posted = await _client.PostAsJsonAsync($"/v3/directline/conversations/{conversation}/activities",
            new { type = "message", text = "Can OpenAI models run on AWS?", from = new { id = "dl_stream" } });
        var question = (string)(await posted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

        var activities = (await _client.GetFromJsonAsync<JsonObject>($"/v3/directline/conversations/{conversation}/activities"))!["activities"]!.AsArray()
            .Where(a => (string?)a!["replyToId"] == question).ToList();
        var stream = activities.Select(a => a!["entities"]?.AsArray().FirstOrDefault(e => (string?)e!["type"] == "streaminfo")).ToList();
        Assert.Equal("informative", (string?)stream[0]!["streamType"]);
        var streamId = (string)activities[0]!["id"]!;
        Assert.Contains(stream, s => (string?)s?["streamType"] == "streaming" && (string?)s["streamId"] == streamId);
        var final = activities[^1]!;
        Assert.Equal("message", (string?)final["type"]);
        Assert.Contains(final["entities"]!.AsArray(), e => (string?)e!["type"] == "streaminfo" && (string?)e["streamType"] == "final" && (string?)e["streamId"] == streamId);
        Assert.Contains("[1]", (string?)final["text"], StringComparison.Ordinal);
        var sequences = stream.Take(stream.Count - 1).Select(s => (int)s!["streamSequence"]!).ToList();
        Assert.Equal(sequences.Order(), sequences);
    }

    [Fact]
    public async Task A_teams_personal_chat_is_livestreamed_and_a_channel_gets_one_message()
    {
        await using var channel = await ChannelStandIn.StartAsync();
        foreach (var (id, type) in new[] { ("a:stream-1", "personal"), ("19:team;messageid=9", "channel") })
            await _client.PostAsync("/api/messages", TeamsActivities.Body(TeamsActivities.Message(channel.ServiceUrl, "Can OpenAI models run on AWS?", id, type)));

        var personal = (await channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "a:stream-1" && (string?)r["type"] == "message"))[0];
        Assert.Contains(personal["entities"]!, e => (string?)e["type"] == "streaminfo" && (string?)e["streamType"] == "final");
        Assert.Contains(channel.Received, r => (string?)r["conversation"]?["id"] == "a:stream-1" && (string?)r["entities"]?[0]?["streamType"] == "streaming");
        var inChannel = (await channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "19:team;messageid=9" && (string?)r["type"] == "message"))[0];
        Assert.DoesNotContain(inChannel["entities"]!, e => (string?)e["type"] == "streaminfo");
        Assert.Contains("[1]", (string?)inChannel["text"], StringComparison.Ordinal);
    }
}
