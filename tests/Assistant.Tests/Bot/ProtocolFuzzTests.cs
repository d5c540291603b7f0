using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Assistant.Tests.Bot;

/// <summary>Random and mangled JSON against every JSON endpoint: always a 4xx (or 200), never a 5xx.</summary>
[Trait("Category", "Integration")]
public sealed class ProtocolFuzzTests(BotHostFactory factory) : IClassFixture<BotHostFactory>
{
    private const string ValidActivity = """{"type":"message","id":"1","channelId":"msteams","serviceUrl":"http://127.0.0.1:9/","text":"What runs on Amazon Bedrock?","from":{"id":"u"},"recipient":{"id":"b"},"conversation":{"id":"a:fuzz"}}""";

    private static IEnumerable<string> Payloads(int seed, int count)
    {
        var random = new Random(seed);
        string[] fragments = ["{", "}", "[", "]", "\"type\"", ":", ",", "null", "true", "\"message\"", "\"text\"", "123", "\"\\u0000\"", "{\"from\":{}}", "\"conversation\":[]", "\u00ff", "\"value\":{\"actionName\":1}"];
        for (var i = 0; i < count; i++)
        {
            yield return (i % 4) switch
            {
                0 => ValidActivity[..random.Next(ValidActivity.Length)],
                1 => string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => fragments[random.Next(fragments.Length)])),
                2 => ValidActivity.Remove(random.Next(ValidActivity.Length - 5), random.Next(1, 5)),
                _ => Encoding.Latin1.GetString(Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256)).ToArray()),
            };
        }
    }

    [Fact]
    public async Task Mangled_bodies_never_cause_a_server_error()
    {
        await factory.ReadyAsync();
        var client = factory.CreateClient();
        var token = (string)(await (await client.PostAsJsonAsync("/v3/directline/tokens/generate", new { })).Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
        var conversation = (string)(await (await client.PostAsJsonAsync("/v3/directline/tokens/generate", new { })).Content.ReadFromJsonAsync<JsonObject>())!["conversationId"]!;
        var own = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v3/directline/conversations") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } });
        var ownConversation = (string)(await own.Content.ReadFromJsonAsync<JsonObject>())!["conversationId"]!;
        Assert.NotEqual(conversation, ownConversation);

        var failures = new List<string>();
        foreach (var body in Payloads(seed: 20261129, count: 120))
        {
            foreach (var (url, auth) in new[] { ("/api/messages", false), ("/api/ask", false), ("/api/check", false), ($"/v3/directline/conversations/{ownConversation}/activities", true) })
            {
                var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (auth)
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var response = await client.SendAsync(request);
                // 502 is the one server-side answer allowed: a well-formed activity whose serviceUrl cannot be reached.
                var status = (int)response.StatusCode;
                if (status >= 500 && !(status == 502 && url == "/api/messages"))
                    failures.Add($"{url} {status}: {body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }
}
