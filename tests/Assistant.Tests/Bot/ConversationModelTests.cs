using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Assistant.Answering;
using Assistant.Bot.Bot;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Tests.Bot;

/// <summary>One model of a conversation: every surface resolves a follow-up the same way, and history is never answered again.</summary>
[Trait("Category", "Integration")]
public sealed class ConversationModelTests(BotHostFactory factory) : IClassFixture<BotHostFactory>, IAsyncLifetime
{
    private const string First = "Can OpenAI models run on AWS?";
    private const string FollowUp = "And what about the Defense Department?";
    private ChannelStandIn _channel = null!;

    public async Task InitializeAsync()
    {
        await factory.ReadyAsync();
        _channel = await ChannelStandIn.StartAsync();
    }

    public async Task DisposeAsync() => await _channel.DisposeAsync();

    [Fact]
    public async Task The_cli_the_api_and_the_bot_resolve_a_follow_up_identically()
    {
        var api = await AskApiAsync(FollowUp, First);
        var cli = await AskCliAsync(FollowUp, First);
        var bot = await AskBotAsync("a:same-follow-up", First, FollowUp);

        var expected = Summary((string)api["verdict"]!, api["layers"]!.AsArray().Select(l => (string)l!), api["citations"]!.AsArray().Select(c => (string)c!["doc_id"]!));
        Assert.Equal(expected, Summary((string)cli["verdict"]!, cli["layers"]!.AsArray().Select(l => (string)l!), cli["citations"]!.AsArray().Select(c => (string)c!["doc_id"]!)));
        Assert.Equal(expected, Summary(bot.Verdict!, bot.Layers, bot.Documents));
        Assert.Equal(FollowUp, bot.Resolved!.Text);
        Assert.Contains("AWS", bot.Resolved.Context, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_history_at_the_turn_limit_is_resolved_without_answering_it_again()
    {
        var turns = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Assistant.Core.AssistantSettings>>().Value.MaxHistoryTurns;
        var history = Enumerable.Range(0, turns).Select(i => i % 2 == 0 ? First : "How much did Amazon invest in OpenAI?").ToArray();
        var retrievals = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == AssistantTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a => Interlocked.Add(ref retrievals, a.OperationName == "assistant.retrieve" ? 1 : 0),
        };
        ActivitySource.AddActivityListener(listener);

        var answer = await AskApiAsync(FollowUp, history);

        Assert.False((bool)answer["abstained"]!);
        Assert.Equal(1, retrievals);
    }

    private static string Summary(string verdict, IEnumerable<string> layers, IEnumerable<string> documents) =>
        $"{verdict} | {string.Join(",", layers)} | {string.Join(",", documents.Distinct().Order(StringComparer.Ordinal))}";

    private async Task<JsonObject> AskApiAsync(string question, params string[] history)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/ask", new { question, history });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>The `assistant` command as a process, over the host's index (so it is not built twice).</summary>
    private async Task<JsonObject> AskCliAsync(string question, params string[] history)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "assistant.dll"), "ask", question, "--json", "--corpus", RepoPaths.Corpus, "--index", Path.Combine(factory.DataDir, "index.db") })
            start.ArgumentList.Add(arg);
        foreach (var h in history)
        {
            start.ArgumentList.Add("--history");
            start.ArgumentList.Add(h);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, await error);
        return JsonNode.Parse(await output)!.AsObject();
    }

    /// <summary>Asks each question in one Teams conversation (the next once the last turn is stored, as a person would) and
    /// returns the turn the bot stored for the last one.</summary>
    private async Task<ConversationTurn> AskBotAsync(string conversationId, params string[] questions)
    {
        var client = factory.CreateClient();
        ConversationData? data = null;
        for (var i = 0; i < questions.Length; i++)
        {
            await client.PostAsync("/api/messages", TeamsActivities.Body(TeamsActivities.Message(_channel.ServiceUrl, questions[i], conversationId, "personal")));
            data = await StoredAsync(conversationId, i + 1);
        }
        return data!.Turns[^1].Turn;
    }

    /// <summary>The conversation's state once it holds <paramref name="turns"/> turns (it is saved right after the reply is sent).</summary>
    private async Task<ConversationData> StoredAsync(string conversationId, int turns)
    {
        var storage = factory.Services.GetRequiredService<IStorage>();
        var key = $"msteams/conversations/{conversationId}";
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var stored = await storage.ReadAsync([key]);
            if (stored.TryGetValue(key, out var state)
                && ((Newtonsoft.Json.Linq.JObject)state)[nameof(ConversationData)]?.ToObject<ConversationData>() is { } data && data.Turns.Count == turns)
                return data;
            await Task.Delay(50);
        }
        throw new TimeoutException($"The bot did not store {turns} turns for {conversationId}");
    }
}
