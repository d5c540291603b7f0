using System.Net;
using System.Text;
using Xunit.Abstractions;

namespace Assistant.Tests.Hardening;

/// <summary>The host as a process, measured: ten 20 MB posts on one Direct Line token (half of them chunked) leave its memory where it was.</summary>
[Trait("Category", "Integration")]
public sealed class DirectLineMemoryTests(ITestOutputHelper output) : IDisposable
{
    private const int Posts = 10;
    private const int BodyBytes = 20 * 1024 * 1024;
    private const long MaxGrowth = 50L * 1024 * 1024;

    private readonly string _data = Directory.CreateTempSubdirectory("assistant-memory-").FullName;

    [Fact]
    public async Task Ten_20_MB_posts_on_one_token_raise_the_hosts_memory_by_less_than_50_MB()
    {
        var port = HostProcess.FreePort();
        var (host, log) = HostProcess.Start(_data, ["--urls", $"http://127.0.0.1:{port}"], [("RateLimit__UserPerMinute", "0")]);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
            await HostProcess.WaitForAsync(host, log, async () => (await client.GetAsync("/readyz")).IsSuccessStatusCode);
            var dl = await DirectLineClient.StartAsync(client, "user-memory");
            // Warm: a real turn (answering, JIT), then let the host settle before the baseline.
            Assert.Equal(HttpStatusCode.OK, (await dl.PostAsync("Can OpenAI models run on AWS?")).StatusCode);
            await Task.Delay(3000);
            var before = HostProcess.Rss(host);

            var statuses = new List<string>();
            var body = Encoding.UTF8.GetBytes("{\"type\":\"message\",\"text\":\"" + new string('a', BodyBytes - 40) + "\"}");
            for (var i = 0; i < Posts; i++)
            {
                try
                {
                    // Every other post is chunked (no Content-Length), so the cap must hold while the body is read.
                    HttpContent content = i % 2 == 0 ? new ByteArrayContent(body) : new StreamContent(new MemoryStream(body));
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    statuses.Add(((int)(await dl.PostAsync(content)).StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                catch (HttpRequestException e)
                {
                    // The host may close the connection once it has answered 413 without reading the rest.
                    statuses.Add("closed: " + e.Message);
                }
            }
            await Task.Delay(3000);
            var after = HostProcess.Rss(host);
            var poll = await (await dl.PollResponseAsync()).Content.ReadAsStringAsync();

            output.WriteLine($"RSS before {before / 1048576.0:0.0} MB, after {after / 1048576.0:0.0} MB, growth {(after - before) / 1048576.0:0.0} MB; statuses: {string.Join(", ", statuses)}; poll {poll.Length} bytes");
            Assert.All(statuses, s => Assert.True(s == "413" || s.StartsWith("closed", StringComparison.Ordinal), s));
            Assert.Contains("413", statuses);
            Assert.True(after - before < MaxGrowth, $"RSS grew by {(after - before) / 1048576.0:0.0} MB");
            Assert.True(poll.Length < 1_048_576 + 1024, $"a poll returned {poll.Length} bytes");
            Assert.Equal(HttpStatusCode.OK, (await dl.PostAsync("What runs on Amazon Bedrock?")).StatusCode);
        }
        finally
        {
            HostProcess.Stop(host);
        }
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
