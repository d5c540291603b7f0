using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Support;

/// <summary>One call the stand-in received: where it went, its api-key header and its JSON body.</summary>
public sealed partial record ModelCall(string Path, string? ApiVersion, string? ApiKey, JObject Body)
{
    public JArray Messages => (JArray?)Body["messages"] ?? [];
    public string System => (string?)Messages.FirstOrDefault(m => (string?)m["role"] == "system")?["content"] ?? "";
    public string User => (string?)Messages.LastOrDefault(m => (string?)m["role"] == "user")?["content"] ?? "";
    public bool IsStreaming => (bool?)Body["stream"] == true;
    public bool WantsJson => (string?)Body["response_format"]?["type"] == "json_object";

    /// <summary>How many numbered sources the answer prompt gave.</summary>
    public int SourceCount => SourceHeader().Matches(User).Count;

    /// <summary>The first sentence of numbered source <paramref name="n"/> as the prompt gave it: what a faithful model copies.</summary>
    public string SourceSentence(int n)
    {
        var headers = SourceHeader().Matches(User);
        var start = headers[n - 1].Index;
        var end = n < headers.Count ? headers[n].Index : User.Length;
        var lines = User[start..end].Split('\n').Skip(1).Select(l => l.TrimStart('-', ' ')).Where(l => !l.StartsWith("Section: ", StringComparison.Ordinal) && !l.StartsWith('#'));
        return lines.SelectMany(l => Assistant.Core.SentenceSplitter.Split(l, 0, l.Length).Select(r => l[r.Start..r.End].Trim()))
            .First(t => t.EndsWith('.') && t.Split(' ').Length >= 6);
    }

    /// <summary>A reply that copies the first sentence of each of the first <paramref name="count"/> sources, citing it.</summary>
    public string CopyingReply(string verdict = "partly", int count = 2, params JObject[] more) => new JObject
    {
        ["verdict"] = verdict,
        ["layers"] = new JArray("infrastructure"),
        ["sentences"] = new JArray(Enumerable.Range(1, Math.Min(count, SourceCount))
            .Select(n => new JObject { ["text"] = SourceSentence(n), ["sources"] = new JArray(n) }).Concat(more)),
    }.ToString();

    [GeneratedRegex(@"^\[(\d+)\] """, RegexOptions.Multiline)]
    private static partial Regex SourceHeader();
}

/// <summary>What the stand-in answers: a status, a content (split into SSE chunks when streamed, <paramref name="ChunkDelayMs"/> apart) and an optional delay.</summary>
public sealed record ModelReply(string Content, int Status = 200, TimeSpan Delay = default, int Chunks = 6, int ChunkDelayMs = 10);

/// <summary>A loopback stand-in of the Azure OpenAI REST API (chat completions as JSON and SSE, embeddings), really called by the SDK.</summary>
public sealed class AzureOpenAIStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AzureOpenAIStandIn(WebApplication app) => _app = app;

    public ConcurrentQueue<ModelCall> Calls { get; } = new();

    public Func<ModelCall, ModelReply> Reply { get; set; } = _ => new ModelReply("{}");

    public string Endpoint => _app.Urls.First() + "/";

    public static async Task<AzureOpenAIStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var standIn = new AzureOpenAIStandIn(app);
        app.MapPost("/openai/deployments/{deployment}/chat/completions", standIn.ChatAsync);
        app.MapPost("/openai/deployments/{deployment}/embeddings", standIn.EmbeddingsAsync);
        await app.StartAsync();
        return standIn;
    }

    private async Task ChatAsync(HttpContext context)
    {
        var call = await RecordAsync(context);
        var reply = Reply(call);
        if (reply.Delay > TimeSpan.Zero)
            await Task.Delay(reply.Delay, context.RequestAborted);
        if (reply.Status != 200)
        {
            context.Response.StatusCode = reply.Status;
            await context.Response.WriteAsJsonAsync(new { error = new { code = reply.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), message = "stand-in failure" } });
            return;
        }
        if (!call.IsStreaming)
        {
            await context.Response.WriteAsync(new JObject
            {
                ["id"] = "chatcmpl-standin",
                ["object"] = "chat.completion",
                ["created"] = 1_780_000_000,
                ["model"] = "gpt-4o-standin",
                ["choices"] = new JArray(new JObject
                {
                    ["index"] = 0,
                    ["message"] = new JObject { ["role"] = "assistant", ["content"] = reply.Content },
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = new JObject { ["prompt_tokens"] = call.Body.ToString().Length / 4, ["completion_tokens"] = reply.Content.Length / 4, ["total_tokens"] = 0 },
            }.ToString(Newtonsoft.Json.Formatting.None));
            return;
        }
        context.Response.ContentType = "text/event-stream";
        var size = Math.Max(1, (reply.Content.Length + reply.Chunks - 1) / reply.Chunks);
        for (var i = 0; i < reply.Content.Length; i += size)
        {
            var chunk = new JObject
            {
                ["id"] = "chatcmpl-standin",
                ["object"] = "chat.completion.chunk",
                ["created"] = 1_780_000_000,
                ["model"] = "gpt-4o-standin",
                ["choices"] = new JArray(new JObject
                {
                    ["index"] = 0,
                    ["delta"] = new JObject { ["role"] = "assistant", ["content"] = reply.Content.Substring(i, Math.Min(size, reply.Content.Length - i)) },
                    ["finish_reason"] = null,
                }),
            };
            await context.Response.WriteAsync($"data: {chunk.ToString(Newtonsoft.Json.Formatting.None)}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(reply.ChunkDelayMs);
        }
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private async Task EmbeddingsAsync(HttpContext context)
    {
        var call = await RecordAsync(context);
        var inputs = call.Body["input"] is JArray a ? a.Select(t => (string)t!).ToList() : [(string)call.Body["input"]!];
        var dims = (int?)call.Body["dimensions"] ?? 64;
        var base64 = (string?)call.Body["encoding_format"] == "base64";
        using var embedder = new HashingEmbedder("standin", dims);
        var vectors = await embedder.GenerateAsync(inputs);
        var data = new JArray(vectors.Select((v, i) => new JObject
        {
            ["object"] = "embedding",
            ["index"] = i,
            ["embedding"] = base64
                ? Convert.ToBase64String(v.Vector.ToArray().SelectMany(BitConverter.GetBytes).ToArray())
                : new JArray(v.Vector.ToArray()),
        }));
        await context.Response.WriteAsync(new JObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = "text-embedding-standin",
            ["usage"] = new JObject { ["prompt_tokens"] = 1, ["total_tokens"] = 1 },
        }.ToString(Newtonsoft.Json.Formatting.None));
    }

    private async Task<ModelCall> RecordAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var call = new ModelCall(context.Request.Path, context.Request.Query["api-version"], context.Request.Headers["api-key"], JObject.Parse(await reader.ReadToEndAsync()));
        Calls.Enqueue(call);
        return call;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
