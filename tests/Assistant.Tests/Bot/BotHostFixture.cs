using System.Collections.Concurrent;
using Assistant.Bot.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Bot;

/// <summary>The bot host in-process over the shipped corpus, with its data in a temp folder.</summary>
public class BotHostFactory : WebApplicationFactory<Program>
{
    public string DataDir { get; } = Directory.CreateTempSubdirectory("assistant-bot-").FullName;

    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Assistant:Corpus", RepoPaths.Corpus);
        builder.UseSetting("Assistant:Index", Path.Combine(DataDir, "index.db"));
        foreach (var (k, v) in Settings)
            builder.UseSetting(k, v);
    }

    public async Task<BotHostFactory> ReadyAsync()
    {
        _ = CreateClient();
        var served = Services.GetRequiredService<Assistant.Answering.ServedIndex>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!served.IsReady && served.Failure is null && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        if (!served.IsReady)
            throw new InvalidOperationException($"The host did not become ready: {served.Failure ?? "timed out"}");
        return this;
    }

    /// <summary>A client whose requests come from <paramref name="address"/> (the in-process server has no sockets of its own).</summary>
    public HttpClient ClientFrom(string address)
    {
        _ = CreateClient();
        return new HttpClient(Server.CreateHandler(c => c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(address))) { BaseAddress = Server.BaseAddress };
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The host with Bot Framework authentication switched on.</summary>
public sealed class AuthenticatedBotHostFactory : BotHostFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["MicrosoftAppType"] = "MultiTenant",
        ["MicrosoftAppId"] = "00000000-0000-0000-0000-000000000001",
        ["MicrosoftAppPassword"] = "not-a-real-secret",
    };
}

/// <summary>A loopback stand-in of a channel's serviceUrl: records every activity the bot posts to it.</summary>
public sealed class ChannelStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChannelStandIn(WebApplication app) => _app = app;

    public ConcurrentQueue<JObject> Received { get; } = new();

    public string ServiceUrl => _app.Urls.First() + "/";

    public static async Task<ChannelStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var standIn = new ChannelStandIn(app);
        app.MapPost("/v3/conversations/{conversationId}/activities/{activityId?}", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            standIn.Received.Enqueue(JObject.Parse(await reader.ReadToEndAsync()));
            return Results.Json(new { id = Guid.NewGuid().ToString("N") });
        });
        // Teams' handler looks up the members it is told about.
        app.MapGet("/v3/conversations/{conversationId}/members/{memberId}", (string memberId) =>
            Results.Json(new { id = memberId, name = "Sales Person", aadObjectId = "aad-1", userPrincipalName = "sales@example.com" }));
        await app.StartAsync();
        return standIn;
    }

    public async Task<List<JObject>> WaitForAsync(Func<JObject, bool> match, int count = 1)
    {
        for (var i = 0; i < 200; i++)
        {
            var found = Received.Where(match).ToList();
            if (found.Count >= count)
                return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"the bot did not post {count} matching activities; received: {string.Join(" | ", Received.Select(r => r["type"] + ":" + r["text"]))}");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
