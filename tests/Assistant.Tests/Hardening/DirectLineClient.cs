using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Assistant.Tests.Hardening;

/// <summary>Web Chat's side of the host's Direct Line endpoint: a token and conversation, posts, polls.</summary>
internal sealed class DirectLineClient(HttpClient http, string conversation, string token)
{
    public string Conversation { get; } = conversation;

    public string Token { get; } = token;

    public static async Task<DirectLineClient> StartAsync(HttpClient http, string? user = null)
    {
        var generated = await (await http.PostAsJsonAsync<object>("/v3/directline/tokens/generate", user is null ? new { } : new { user = new { id = user } })).Content.ReadFromJsonAsync<JsonObject>();
        return new DirectLineClient(http, (string)generated!["conversationId"]!, (string)generated["token"]!);
    }

    public Task<HttpResponseMessage> PostAsync(string text, string? token = null) =>
        PostAsync(JsonContent.Create(new { type = "message", text, from = new { id = "ignored" } }), token);

    public Task<HttpResponseMessage> PostAsync(HttpContent content, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{Conversation}/activities") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        return http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PollResponseAsync(string watermark = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v3/directline/conversations/{Conversation}/activities?watermark={watermark}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return await http.SendAsync(request);
    }

    public async Task<JsonObject> PollAsync(string watermark = "") => (await (await PollResponseAsync(watermark)).Content.ReadFromJsonAsync<JsonObject>())!;

    /// <summary>The texts of the bot's messages so far.</summary>
    public async Task<List<string>> BotTextsAsync() =>
        (await PollAsync())["activities"]!.AsArray()
            .Where(a => (string?)a!["from"]?["role"] == "bot" && (string?)a["type"] == "message")
            .Select(a => (string?)a!["text"] ?? "").ToList();
}
