using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

// Usage:
//   assistant-load ask        [--url http://127.0.0.1:3978] [--users 20] [--seconds 30]
//   assistant-load directline [--url …] [--conversations 50] [--turns 10]
//   assistant-load mixed      [--url …] [--users 100] [--seconds 60] [--think-ms 1000]
//   assistant-load soak       [--url …] [--users 100] [--seconds 600] [--think-ms 1000] [--warmup-seconds 180] --pid HOST_PID
// "mixed" and "soak": half the users ask /api/ask, half chat through Direct Line (a new conversation every 10 turns),
// each pausing think-ms (±50 %) between requests as people do. "soak" samples the host's RSS and its conversation counts.
// Only loopback targets are accepted: load is never sent to another machine.
var mode = args.FirstOrDefault() ?? "ask";
string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
int IntArg(string name, int fallback) => int.Parse(Arg(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
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
var latencies = new ConcurrentDictionary<string, ConcurrentBag<double>>();
var errors = new ConcurrentBag<string>();
var clock = Stopwatch.StartNew();

void Record(string kind, double ms) => latencies.GetOrAdd(kind, _ => []).Add(ms);

async Task AskAsync(int i)
{
    var sw = Stopwatch.StartNew();
    try
    {
        using var r = await http.PostAsJsonAsync("/api/ask", new { question = questions[i % questions.Length] });
        await r.Content.ReadAsByteArrayAsync();
        if (!r.IsSuccessStatusCode)
            errors.Add("ask " + (int)r.StatusCode);
    }
    catch (Exception e)
    {
        errors.Add("ask " + e.GetType().Name);
    }
    Record("api/ask", sw.Elapsed.TotalMilliseconds);
}

async Task<(string Id, string Token)> StartConversationAsync(string user)
{
    var generated = await (await http.PostAsJsonAsync("/v3/directline/tokens/generate", new { user = new { id = user } })).Content.ReadFromJsonAsync<JsonObject>();
    var token = (string)generated!["token"]!;
    var id = (string)generated["conversationId"]!;
    var start = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/conversations");
    start.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var started = await http.SendAsync(start);
    return (id, token);
}

// One turn as Web Chat does it: post, then poll from the watermark until the bot's reply is there.
async Task<string> TurnAsync(string id, string token, string user, string text, string watermark, string clientId)
{
    var sw = Stopwatch.StartNew();
    var post = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{id}/activities")
    {
        Content = JsonContent.Create(new { type = "message", text, from = new { id = user }, channelData = new { clientActivityID = clientId } }),
    };
    post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var posted = await http.SendAsync(post);
    if (!posted.IsSuccessStatusCode)
    {
        errors.Add("post " + (int)posted.StatusCode);
        return watermark;
    }
    var poll = new HttpRequestMessage(HttpMethod.Get, $"/v3/directline/conversations/{id}/activities?watermark={watermark}");
    poll.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var polled = await http.SendAsync(poll);
    var body = await polled.Content.ReadFromJsonAsync<JsonObject>();
    var answered = body?["activities"]?.AsArray().Any(a => (string?)a!["from"]?["role"] == "bot" && (string?)a["type"] == "message") == true;
    if (!polled.IsSuccessStatusCode || !answered)
        errors.Add("poll " + (int)polled.StatusCode + (answered ? "" : " (no answer)"));
    Record("directline turn", sw.Elapsed.TotalMilliseconds);
    return (string?)body?["watermark"] ?? watermark;
}

async Task MixedAsync(int users, TimeSpan until, int thinkMs)
{
    await Task.WhenAll(Enumerable.Range(0, users).Select(async u =>
    {
        var random = new Random(u);
        await Task.Delay(random.Next(thinkMs + 1)); // users arrive spread over the first think time
        var turn = 0;
        (string Id, string Token)? conversation = null;
        var watermark = "";
        while (clock.Elapsed < until)
        {
            try
            {
                if (u % 2 == 0)
                {
                    await AskAsync(u + turn);
                }
                else
                {
                    if (turn % 10 == 0)
                    {
                        conversation = await StartConversationAsync($"load_{u}");
                        watermark = "";
                    }
                    watermark = await TurnAsync(conversation!.Value.Id, conversation.Value.Token, $"load_{u}", questions[(u + turn) % questions.Length], watermark, $"{u}-{turn}");
                }
            }
            catch (Exception e)
            {
                errors.Add(e.GetType().Name);
            }
            turn++;
            await Task.Delay((int)(thinkMs * (0.5 + random.NextDouble())));
        }
    }));
}

static long? RssKb(int pid)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
    catch (IOException)
    {
        return null;
    }
}

// Warm-up: the first answers load the model's session and JIT the path.
foreach (var q in questions)
    await http.PostAsJsonAsync("/api/ask", new { question = q });
clock.Restart();
switch (mode)
{
    case "ask":
        {
            var until = TimeSpan.FromSeconds(IntArg("--seconds", 30));
            await Task.WhenAll(Enumerable.Range(0, IntArg("--users", 20)).Select(async u =>
            {
                var i = u;
                while (clock.Elapsed < until)
                    await AskAsync(i++);
            }));
            break;
        }
    case "directline":
        {
            var turns = IntArg("--turns", 10);
            await Task.WhenAll(Enumerable.Range(0, IntArg("--conversations", 50)).Select(async c =>
            {
                try
                {
                    var (id, token) = await StartConversationAsync($"load_{c}");
                    var watermark = "";
                    for (var t = 0; t < turns; t++)
                        watermark = await TurnAsync(id, token, $"load_{c}", questions[(c + t) % questions.Length], watermark, $"{c}-{t}");
                }
                catch (Exception e)
                {
                    errors.Add(e.GetType().Name);
                }
            }));
            break;
        }
    case "mixed":
        await MixedAsync(IntArg("--users", 100), TimeSpan.FromSeconds(IntArg("--seconds", 60)), IntArg("--think-ms", 1000));
        break;
    case "soak":
        {
            var pid = IntArg("--pid", 0);
            if (pid == 0 || RssKb(pid) is null)
            {
                Console.Error.WriteLine("soak needs --pid of the running host (its RSS is read from /proc)");
                return 2;
            }
            var seconds = IntArg("--seconds", 600);
            var samples = new List<(double At, long RssKb, string Conversations)>();
            using var stop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    string conversations;
                    try
                    {
                        var ready = await http.GetFromJsonAsync<JsonObject>("/readyz");
                        conversations = ready?["conversations"]?.ToJsonString() ?? "?";
                    }
                    catch (HttpRequestException)
                    {
                        conversations = "?";
                    }
                    samples.Add((clock.Elapsed.TotalSeconds, RssKb(pid) ?? 0, conversations));
                    Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:0} s  RSS {RssKb(pid) / 1024.0,7:0.0} MB  conversations {conversations}");
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(15), stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            });
            await MixedAsync(IntArg("--users", 100), TimeSpan.FromSeconds(seconds), IntArg("--think-ms", 1000));
            await stop.CancelAsync();
            await sampler;
            // Growth is measured from the end of the warm-up (JIT, pools, and conversation state filled up to the idle
            // window: set --warmup-seconds to the idle time plus a minute) to the end of the run.
            var warmup = IntArg("--warmup-seconds", 180);
            var baseline = samples.FirstOrDefault(s => s.At >= warmup).RssKb is var b and > 0 ? b : samples[0].RssKb;
            var end = samples[^1].RssKb;
            Console.WriteLine($"RSS: after {warmup} s warm-up {baseline / 1024.0:0.0} MB, max {samples.Max(s => s.RssKb) / 1024.0:0.0} MB, end {end / 1024.0:0.0} MB, growth {(end - baseline) * 100.0 / baseline:0.0} %");
            break;
        }
    default:
        Console.Error.WriteLine("mode must be 'ask', 'directline', 'mixed' or 'soak'");
        return 2;
}

var elapsed = clock.Elapsed.TotalSeconds;
var all = latencies.Values.SelectMany(v => v).Order().ToList();
Console.WriteLine($"{mode}: {all.Count} requests in {elapsed:0.0} s ({all.Count / elapsed:0}/s), errors {errors.Count}" +
    (errors.IsEmpty ? "" : $" [{string.Join(", ", errors.GroupBy(e => e).Select(g => $"{g.Key} x{g.Count()}"))}]"));
foreach (var (kind, values) in latencies.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value.Order().ToList())).Append(("all", all)))
{
    double P(double p) => values.Count == 0 ? 0 : values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)];
    Console.WriteLine($"  {kind,-16} n {values.Count,6}  p50 {P(0.5),7:0.0} ms  p95 {P(0.95),7:0.0} ms  p99 {P(0.99),7:0.0} ms  max {P(1),7:0.0} ms");
}
return errors.IsEmpty ? 0 : 1;
