using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

// Usage:
//   assistant-load ask        [--url http://127.0.0.1:3978] [--users 20] [--seconds 30]
//   assistant-load directline [--url http://127.0.0.1:3978] [--conversations 50] [--turns 10]
// Only loopback targets are accepted: load is never sent to another machine.
var mode = args.FirstOrDefault() ?? "ask";
string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var url = new Uri(Arg("--url", "http://127.0.0.1:3978"));
if (!url.IsLoopback)
{
    Console.Error.WriteLine($"--url must be a loopback address, not {url.Host}");
    return 2;
}
string[] questions =
[
    "Can OpenAI models run on AWS?", "How much did Amazon invest in OpenAI?", "What runs on Amazon Bedrock?",
    "Is the OpenAI API still exclusive to Azure?", "Who invested in OpenAI's latest funding round?",
    "What should we keep an eye on next?", "Which cloud hosts the classified deployment?", "What changed in April 2026?",
];
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
var latencies = new ConcurrentBag<double>();
var errors = new ConcurrentBag<string>();
var clock = Stopwatch.StartNew();

if (mode == "ask")
{
    var users = int.Parse(Arg("--users", "20"), CultureInfo.InvariantCulture);
    var until = TimeSpan.FromSeconds(int.Parse(Arg("--seconds", "30"), CultureInfo.InvariantCulture));
    // Warm-up: the first answers load the model's session and JIT the path.
    foreach (var q in questions)
        await http.PostAsJsonAsync("/api/ask", new { question = q });
    clock.Restart();
    await Task.WhenAll(Enumerable.Range(0, users).Select(async u =>
    {
        var i = u;
        while (clock.Elapsed < until)
        {
            var sw = Stopwatch.StartNew();
            try
            {
                using var r = await http.PostAsJsonAsync("/api/ask", new { question = questions[i++ % questions.Length] });
                await r.Content.ReadAsByteArrayAsync();
                if (!r.IsSuccessStatusCode)
                    errors.Add(((int)r.StatusCode).ToString(CultureInfo.InvariantCulture));
            }
            catch (Exception e)
            {
                errors.Add(e.GetType().Name);
            }
            latencies.Add(sw.Elapsed.TotalMilliseconds);
        }
    }));
}
else if (mode == "directline")
{
    var conversations = int.Parse(Arg("--conversations", "50"), CultureInfo.InvariantCulture);
    var turns = int.Parse(Arg("--turns", "10"), CultureInfo.InvariantCulture);
    await Task.WhenAll(Enumerable.Range(0, conversations).Select(async c =>
    {
        try
        {
            var generated = await (await http.PostAsJsonAsync("/v3/directline/tokens/generate", new { user = new { id = $"load_{c}" } })).Content.ReadFromJsonAsync<JsonObject>();
            var token = (string)generated!["token"]!;
            var id = (string)generated["conversationId"]!;
            var watermark = "";
            for (var t = 0; t < turns; t++)
            {
                var sw = Stopwatch.StartNew();
                var post = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{id}/activities")
                {
                    Content = JsonContent.Create(new { type = "message", text = questions[(c + t) % questions.Length], from = new { id = $"load_{c}" }, channelData = new { clientActivityID = $"{c}-{t}" } }),
                };
                post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var posted = await http.SendAsync(post);
                if (!posted.IsSuccessStatusCode)
                {
                    errors.Add("post " + (int)posted.StatusCode);
                    continue;
                }
                var poll = new HttpRequestMessage(HttpMethod.Get, $"/v3/directline/conversations/{id}/activities?watermark={watermark}");
                poll.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var polled = await http.SendAsync(poll);
                var body = await polled.Content.ReadFromJsonAsync<JsonObject>();
                watermark = (string?)body?["watermark"] ?? watermark;
                var answered = body?["activities"]?.AsArray().Any(a => (string?)a!["from"]?["role"] == "bot" && (string?)a["type"] == "message") == true;
                if (!polled.IsSuccessStatusCode || !answered)
                    errors.Add("poll " + (int)polled.StatusCode + (answered ? "" : " (no answer)"));
                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        catch (Exception e)
        {
            errors.Add(e.GetType().Name);
        }
    }));
}
else
{
    Console.Error.WriteLine("mode must be 'ask' or 'directline'");
    return 2;
}

var sorted = latencies.Order().ToList();
double P(double p) => sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
Console.WriteLine($"{mode}: {sorted.Count} requests in {clock.Elapsed.TotalSeconds:0.0} s ({sorted.Count / clock.Elapsed.TotalSeconds:0}/s), errors {errors.Count}" +
    (errors.IsEmpty ? "" : $" [{string.Join(", ", errors.GroupBy(e => e).Select(g => $"{g.Key} x{g.Count()}"))}]"));
Console.WriteLine($"latency ms: p50 {P(0.5):0.0}  p95 {P(0.95):0.0}  p99 {P(0.99):0.0}  max {P(1):0.0}");
return errors.IsEmpty ? 0 : 1;
