using System.Diagnostics;
using System.Net;
using Assistant.Answering;
using Assistant.Bot.Bot;
using Assistant.Hosting;
using Assistant.Tests.Bot;
using Assistant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace Assistant.Tests.Reliability;

/// <summary>One replica of the host as the deployment runs it: its own port and data folder, state in Azure Storage
/// (Azurite here), the index in Qdrant (the stand-in here), and the other replicas' settings.</summary>
public sealed class ReplicaHostFactory(IReadOnlyDictionary<string, string> shared) : BotHostFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => shared;

    /// <summary>Starts it on a port of its own (Kestrel, not the in-memory test server) and waits until it serves the index.</summary>
    public async Task<ReplicaHostFactory> StartAsync()
    {
        UseKestrel();
        StartServer();
        await ReadyAsync();
        return this;
    }
}

[Trait("Category", "Integration")]
[Collection(AzuriteCollection.Name)]
public sealed class TwoReplicaTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Conversation = "a:two-replicas";
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];
    private readonly TempCorpus _corpus = new();
    private QdrantStandIn _qdrant = null!;
    private ChannelStandIn _channel = null!;

    public async Task InitializeAsync()
    {
        _qdrant = await QdrantStandIn.StartAsync();
        _channel = await ChannelStandIn.StartAsync();
        foreach (var file in Directory.GetFiles(RepoPaths.Corpus, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_corpus.Dir, Path.GetRelativePath(RepoPaths.Corpus, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy, overwrite: true);
        }
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _qdrant.DisposeAsync();
        _corpus.Dispose();
    }

    private Dictionary<string, string> Shared => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Assistant:Corpus"] = _corpus.Dir,
        ["Index:Provider"] = "qdrant",
        ["Qdrant:Endpoint"] = _qdrant.Endpoint,
        ["Qdrant:Collection"] = "replicas",
        ["Storage:Provider"] = "azure",
        ["Storage:ConnectionString"] = azurite.ConnectionString,
        ["Storage:StateContainer"] = $"state-{_id}",
        ["Storage:ReviewTable"] = $"review{_id}",
        ["Hosting:Replicas"] = "2",
        ["Hosting:IndexRefreshSeconds"] = "0.5",
        ["DirectLine:TokenSecret"] = "a-shared-key-of-at-least-32-characters",
    };

    [SkippableFact]
    public async Task A_conversation_its_feedback_and_a_reindex_are_shared_by_two_replicas()
    {
        azurite.Require();
        var clock = Stopwatch.StartNew();
        using var a = await new ReplicaHostFactory(Shared).StartAsync(); // builds the index into Qdrant
        using var b = await new ReplicaHostFactory(Shared).StartAsync(); // finds it there
        output.WriteLine($"two replicas ready in {clock.Elapsed.TotalSeconds:0.0} s (Azurite started in {azurite.StartTime.TotalSeconds:0.0} s)");
        Assert.NotEqual(a.ClientOptions.BaseAddress, b.ClientOptions.BaseAddress);

        // A Teams conversation starts on A and its follow-up lands on B, which reads the turn A stored.
        await PostAsync(a, TeamsActivities.Message(_channel.ServiceUrl, "Can OpenAI models run on AWS?", Conversation));
        await _channel.WaitForAsync(IsReply);
        await PostAsync(b, TeamsActivities.Message(_channel.ServiceUrl, "And what about the Defense Department?", Conversation));
        var replies = await _channel.WaitForAsync(IsReply, 2);
        Assert.Contains("classified", (string?)replies[1]["text"], StringComparison.OrdinalIgnoreCase);
        var stored = (JObject)(await b.Services.GetRequiredService<IBotStateStore>().ReadAsync([$"msteams/conversations/{Conversation}"])).Values.Single();
        var turns = (JArray)stored["ConversationData"]!["Turns"]!;
        Assert.Equal(["Can OpenAI models run on AWS?", "And what about the Defense Department?"], turns.Select(t => (string?)t["Turn"]!["Question"]));
        Assert.False(string.IsNullOrEmpty((string?)turns[1]["Turn"]!["Resolved"]!["Context"]), "B resolved the follow-up without the turn stored by A");

        // Feedback given on B is in the shared review log, which `assistant report` reads with the same settings.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(b, TeamsActivities.Feedback(_channel.ServiceUrl, Conversation, "dislike", "asked on two replicas"))).StatusCode);
        var report = await ReportAsync();
        Assert.Contains("2 questions, 0 not covered, 1 negative feedback.", report, StringComparison.Ordinal);
        Assert.Contains("And what about the Defense Department?: \"asked on two replicas\"", report, StringComparison.Ordinal);

        // A re-index by A is served by B, which picks up the new version from Qdrant on its own.
        _corpus.Write("replica-note.md", TempCorpus.Markdown("replica-note", "2026-06-01", "A note added while two replicas were serving.", "Replica rollout note"));
        await a.Services.GetRequiredService<IndexLifecycle>().ReindexAsync();
        var served = b.Services.GetRequiredService<ServedIndex>();
        for (var i = 0; i < 100 && !served.Current.Index.Documents.Any(d => d.Info.Id == "replica-note"); i++)
            await Task.Delay(100);
        Assert.Contains(served.Current.Index.Documents, d => d.Info.Id == "replica-note");
        var view = served.Current;
        await Task.Delay(1500); // three more refresh checks: the version now served is kept, not reopened
        Assert.Same(view, served.Current);
        await PostAsync(b, TeamsActivities.Message(_channel.ServiceUrl, "/sources", Conversation));
        var sources = await _channel.WaitForAsync(IsReply, 3);
        Assert.Contains("Replica rollout note", (string?)sources[2]["text"], StringComparison.Ordinal);
        output.WriteLine($"whole scenario {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static bool IsReply(JObject r) => (string?)r["conversation"]?["id"] == Conversation && (string?)r["type"] == "message";

    private static Task<HttpResponseMessage> PostAsync(ReplicaHostFactory host, JObject activity) =>
        host.CreateClient().PostAsync("/api/messages", TeamsActivities.Body(activity));

    /// <summary>`assistant report` as an operator runs it: its own process, configured by environment variables.</summary>
    private async Task<string> ReportAsync()
    {
        var info = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "assistant.dll"), "report"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["Assistant__Corpus"] = _corpus.Dir;
        info.Environment["Assistant__Index"] = _corpus.IndexPath;
        info.Environment["Storage__Provider"] = "azure";
        info.Environment["Storage__ConnectionString"] = azurite.ConnectionString;
        info.Environment["Storage__ReviewTable"] = $"review{_id}";
        using var cli = Process.Start(info)!;
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();
        Assert.True(cli.ExitCode == 0, $"assistant report exited {cli.ExitCode}: {await stderr}");
        return await stdout;
    }
}
