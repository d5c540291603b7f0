using Assistant.Bot.Bot;
using Assistant.Hosting;
using Assistant.Tests.Support;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Storage;

/// <summary>What every conversation-state store must do (<see cref="IBotStateStore"/>): Bot Framework's IStorage contract with
/// eTag optimistic concurrency, idle eviction and a count. Run against each adapter by the classes below.</summary>
public abstract class BotStateStoreConformanceTests
{
    /// <summary>A new, empty store.</summary>
    protected abstract Task<IBotStateStore> CreateAsync();

    private static JObject Item(int v) => new() { ["v"] = v };

    [SkippableFact]
    public async Task A_key_never_written_reads_as_nothing()
    {
        var store = await CreateAsync();

        Assert.Empty(await store.ReadAsync(["msteams/conversations/nobody"]));
    }

    [SkippableFact]
    public async Task An_item_reads_back_as_written_with_an_eTag()
    {
        var store = await CreateAsync();
        await store.WriteAsync(new Dictionary<string, object> { ["a"] = new JObject { ["text"] = "héllo", ["n"] = new JArray(1, 2) } });

        var read = Assert.IsType<JObject>((await store.ReadAsync(["a"]))["a"]);

        Assert.Equal("héllo", (string?)read["text"]);
        Assert.Equal([1, 2], read["n"]!.Values<int>());
        Assert.False(string.IsNullOrEmpty((string?)read["eTag"]));
    }

    [SkippableFact]
    public async Task Writing_back_with_the_eTag_read_succeeds_and_gives_a_new_eTag()
    {
        var store = await CreateAsync();
        await store.WriteAsync(new Dictionary<string, object> { ["a"] = Item(1) });
        var read = (JObject)(await store.ReadAsync(["a"]))["a"];

        read["v"] = 2;
        await store.WriteAsync(new Dictionary<string, object> { ["a"] = read });

        var again = (JObject)(await store.ReadAsync(["a"]))["a"];
        Assert.Equal(2, (int)again["v"]!);
        Assert.NotEqual((string?)read["eTag"], (string?)again["eTag"]);
    }

    [SkippableFact]
    public async Task A_write_with_a_stale_eTag_fails_and_keeps_the_newer_item()
    {
        var store = await CreateAsync();
        await store.WriteAsync(new Dictionary<string, object> { ["a"] = Item(1) });
        var first = (JObject)(await store.ReadAsync(["a"]))["a"];
        var second = (JObject)first.DeepClone();
        first["v"] = 2;
        await store.WriteAsync(new Dictionary<string, object> { ["a"] = first });

        second["v"] = 3;
        var conflict = await Assert.ThrowsAsync<StateConflictException>(() => store.WriteAsync(new Dictionary<string, object> { ["a"] = second }));

        Assert.Equal("a", conflict.Key);
        Assert.Equal(2, (int)((JObject)(await store.ReadAsync(["a"]))["a"])["v"]!);
    }

    [SkippableFact]
    public async Task A_write_without_an_eTag_or_with_a_star_overwrites()
    {
        var store = await CreateAsync();
        await store.WriteAsync(new Dictionary<string, object> { ["a"] = Item(1) });

        await store.WriteAsync(new Dictionary<string, object> { ["a"] = Item(2) });
        var star = Item(3);
        star["eTag"] = "*";
        await store.WriteAsync(new Dictionary<string, object> { ["a"] = star });

        Assert.Equal(3, (int)((JObject)(await store.ReadAsync(["a"]))["a"])["v"]!);
    }

    [SkippableFact]
    public async Task An_eTag_for_an_item_deleted_since_writes_it_anew()
    {
        var store = await CreateAsync();
        await store.WriteAsync(new Dictionary<string, object> { ["a"] = Item(1) });
        var read = (JObject)(await store.ReadAsync(["a"]))["a"];
        await store.DeleteAsync(["a"]);

        await store.WriteAsync(new Dictionary<string, object> { ["a"] = read });

        Assert.Equal(1, (int)((JObject)(await store.ReadAsync(["a"]))["a"])["v"]!);
    }

    [SkippableFact]
    public async Task Delete_removes_the_items_and_ignores_missing_keys()
    {
        var store = await CreateAsync();
        await store.WriteAsync(new Dictionary<string, object> { ["a"] = Item(1), ["b"] = Item(2) });

        await store.DeleteAsync(["a", "never-written"]);

        Assert.Equal(["b"], (await store.ReadAsync(["a", "b"])).Keys);
    }

    [SkippableFact]
    public async Task Keys_with_slashes_colons_and_escapes_are_kept_apart()
    {
        var store = await CreateAsync();
        string[] keys = ["msteams/conversations/a:1on1", "msteams/conversations/a%3A1on1", "directline/conversations/x y?z#"];
        await store.WriteAsync(keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => (object)Item(p.i)));

        var read = await store.ReadAsync(keys);

        Assert.Equal([0, 1, 2], keys.Select(k => (int)((JObject)read[k])["v"]!));
    }

    [SkippableFact]
    public async Task Only_items_idle_for_longer_than_the_limit_are_evicted_and_the_count_follows()
    {
        var store = await CreateAsync();
        await store.WriteAsync(new Dictionary<string, object> { ["old"] = Item(1) });
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // blob times have one-second resolution
        await store.WriteAsync(new Dictionary<string, object> { ["recent"] = Item(2) });
        Assert.Equal(2, await store.CountAsync());

        Assert.Equal(1, await store.EvictIdleAsync(TimeSpan.FromSeconds(1.2)));

        Assert.Equal(["recent"], (await store.ReadAsync(["old", "recent"])).Keys);
        Assert.Equal(1, await store.CountAsync());
    }

    [SkippableFact]
    public async Task Conversation_state_saved_by_a_turn_is_refused_when_another_turn_saved_first()
    {
        var store = await CreateAsync();
        var state = new ConversationState(store);
        var turns = state.CreateProperty<List<string>>("turns");
        var first = Turn();
        await turns.SetAsync(first, ["first question"]);
        await state.SaveChangesAsync(first);
        var (a, b) = (Turn(), Turn());
        await turns.SetAsync(a, [.. await turns.GetAsync(a, () => []), "asked on replica A"]);
        await turns.SetAsync(b, [.. await turns.GetAsync(b, () => []), "asked on replica B"]);

        await state.SaveChangesAsync(a);

        await Assert.ThrowsAsync<StateConflictException>(() => state.SaveChangesAsync(b));
        Assert.Equal(["first question", "asked on replica A"], await turns.GetAsync(Turn(), () => []));
    }

    private static TurnContext Turn() => new(new NoChannel(), new Activity
    {
        Type = ActivityTypes.Message,
        ChannelId = "msteams",
        Conversation = new ConversationAccount { Id = "a:concurrent" },
        From = new ChannelAccount { Id = "29:user" },
        Recipient = new ChannelAccount { Id = "28:bot" },
    });

    /// <summary>A turn that sends nothing: only its state is under test.</summary>
    private sealed class NoChannel : BotAdapter
    {
        public override Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken) =>
            Task.FromResult(activities.Select(_ => new ResourceResponse()).ToArray());

        public override Task<ResourceResponse> UpdateActivityAsync(ITurnContext turnContext, Activity activity, CancellationToken cancellationToken) =>
            Task.FromResult(new ResourceResponse());

        public override Task DeleteActivityAsync(ITurnContext turnContext, ConversationReference reference, CancellationToken cancellationToken) =>
            Task.CompletedTask;
    }
}

[Trait("Category", "Unit")]
public sealed class SqliteStoreConformanceTests : BotStateStoreConformanceTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("assistant-state-").FullName;

    protected override Task<IBotStateStore> CreateAsync() => Task.FromResult<IBotStateStore>(new SqliteStore(Path.Combine(_dir, $"{Guid.NewGuid():N}.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>The same contract for the blob store against Azurite.</summary>
[Trait("Category", "Integration")]
[Collection(AzuriteCollection.Name)]
public sealed class BlobStateStoreConformanceTests(AzuriteFixture azurite) : BotStateStoreConformanceTests
{
    protected override Task<IBotStateStore> CreateAsync()
    {
        azurite.Require();
        var settings = new StorageSettings { Provider = StorageSettings.Azure, ConnectionString = azurite.ConnectionString, StateContainer = $"state-{Guid.NewGuid():N}" }.Validate();
        return Task.FromResult<IBotStateStore>(new BlobStateStore(AzureStorageClients.StateContainer(settings)));
    }
}
