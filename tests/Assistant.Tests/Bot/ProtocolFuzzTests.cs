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

    /// <summary>Oversized, deeply nested, over-long and misdirected requests on every endpoint, each from its own address so that
    /// no budget hides what the endpoint itself does: always a 4xx (or 200), and 502 only for a reply the channel did not take.</summary>
    [Fact]
    public async Task Abusive_requests_never_cause_a_server_error()
    {
        await factory.ReadyAsync();
        await using var channel = await ChannelStandIn.StartAsync();
        var address = 0;
        HttpClient Client() => factory.ClientFrom($"198.18.{++address / 250}.{address % 250}");
        var dl = await Hardening.DirectLineClient.StartAsync(Client());
        var big = new string('a', 5 * 1024 * 1024);
        var nested = new string('[', 20_000) + new string(']', 20_000);
        static string Activity(string serviceUrl, string type = "message", string extra = "") =>
            "{\"type\":\"" + type + "\",\"channelId\":\"msteams\",\"serviceUrl\":\"" + serviceUrl
            + "\",\"conversation\":{\"id\":\"a:abuse\"},\"from\":{\"id\":\"u\"},\"recipient\":{\"id\":\"b\"},\"text\":\"/help\"" + extra + "}";
        static string Message(string text) => "{\"type\":\"message\",\"text\":\"" + text + "\"}";
        var members = "[" + string.Join(',', Enumerable.Repeat("""{"id":"m"}""", 5000)) + "]";
        var requests = new List<(string Method, string Url, string? Body, bool Chunked, string? Token)>
        {
            ("POST", "/v3/directline/tokens/generate", "{\"user\":{\"id\":\"" + big + "\"}}", false, null),
            ("POST", "/v3/directline/tokens/refresh", null, false, "a.b"),
            ("POST", $"/v3/directline/conversations/{dl.Conversation}/activities", Message(big), false, dl.Token),
            ("POST", $"/v3/directline/conversations/{dl.Conversation}/activities", Message(big), true, dl.Token),
            ("POST", $"/v3/directline/conversations/{dl.Conversation}/activities", nested, false, dl.Token),
            ("POST", $"/v3/directline/conversations/{dl.Conversation}/activities", Message(new string('q', 20_000)), false, dl.Token),
            ("POST", $"/v3/directline/conversations/{dl.Conversation}/activities", """{"type":"message","from":"x","channelData":[1,2],"attachments":{"a":1}}""", false, dl.Token),
            ("POST", "/v3/directline/conversations/victim/activities", """{"type":"message","text":"hi"}""", false, dl.Token),
            ("GET", $"/v3/directline/conversations/{dl.Conversation}/activities?watermark=-99999999999", null, false, dl.Token),
            ("GET", $"/v3/directline/conversations/{dl.Conversation}/activities?watermark=2147483647", null, false, dl.Token),
            ("POST", "/api/messages", big, false, null),
            ("POST", "/api/messages", big, true, null),
            ("POST", "/api/messages", nested, false, null),
            ("POST", "/api/messages", Activity("http://169.254.169.254/latest/"), false, null),
            ("POST", "/api/messages", Activity("http://2130706433:9/"), false, null),
            ("POST", "/api/messages", Activity("http://127.0.0.1:9/", "invoke", ""","name":"message/submitAction","value":"not an object" """), false, null),
            ("POST", "/api/messages", Activity("http://127.0.0.1:9/", "invoke", ""","deliveryMode":"expectReplies","name":"message/submitAction","value":[1]"""), false, null),
            ("POST", "/api/messages", Activity(channel.ServiceUrl, "invoke", ""","name":"message/submitAction","value":"not an object" """), false, null),
            ("POST", "/api/messages", Activity(channel.ServiceUrl, "invoke", ""","name":"message/submitAction","value":{"actionName":"feedback","actionValue":[]}"""), false, null),
            ("POST", "/api/messages", Activity("http://127.0.0.1:9/", "conversationUpdate", ",\"membersAdded\":" + members), false, null),
            ("POST", "/api/messages", Activity("http://127.0.0.1:9/"), false, "a.b.c"),
            ("POST", "/api/ask", big, false, null),
            ("POST", "/api/ask", nested, false, null),
            ("POST", "/api/ask", "{\"question\":\"" + new string('q', 10_000) + "\"}", false, null),
            ("POST", "/api/ask", "{\"question\":\"ok\",\"history\":[" + string.Join(',', Enumerable.Repeat("\"h\"", 1000)) + "]}", false, null),
            ("POST", "/api/ask", "{\"question\":\"ok\",\"history\":[\"" + new string('h', 5000) + "\"]}", false, null),
            ("POST", "/api/ask", """{"question":"ok","history":{"a":1},"as_of":"9999-99-99"}""", false, null),
            ("POST", "/api/ask", """{"question":["array"]}""", false, null),
            ("POST", "/api/ask/stream", big, true, null),
            ("POST", "/api/check", "{\"question\":\"" + string.Concat(Enumerable.Repeat("\\u0000", 3000)) + "\"}", false, null),
        };

        var failures = new List<string>();
        foreach (var (method, url, body, chunked, token) in requests)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (body is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(body);
                request.Content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }
            if (token is not null)
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            var status = (int)(await Client().SendAsync(request)).StatusCode;
            if (status >= 500 && !(status == 502 && url == "/api/messages"))
                failures.Add($"{method} {url} {status}: {(body is null ? "" : body[..Math.Min(body.Length, 120)])}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
