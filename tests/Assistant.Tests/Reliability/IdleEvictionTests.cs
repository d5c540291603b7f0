using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Assistant.Bot.Bot;
using Assistant.Tests.Bot;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Reliability;

[Trait("Category", "Unit")]
public sealed class SqliteStoreEvictionTests : IDisposable
{
    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("assistant-state-").FullName, "bot.db");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);

    [Fact]
    public async Task Only_conversations_idle_for_longer_than_the_limit_are_forgotten()
    {
        var store = new SqliteStore(_file);
        await store.WriteAsync(new Dictionary<string, object> { ["old"] = new JObject { ["v"] = 1 }, ["recent"] = new JObject { ["v"] = 2 } });
        await using (var c = new SqliteConnection($"Data Source={_file};Pooling=False"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE state SET updated = '2020-01-01T00:00:00.0000000+00:00' WHERE key = 'old'";
            await cmd.ExecuteNonQueryAsync();
        }

        Assert.Equal(1, await store.EvictIdleAsync(TimeSpan.FromHours(1)));

        Assert.Equal(["recent"], (await store.ReadAsync(["old", "recent"])).Keys);
        Assert.Equal(1, await store.CountAsync());
    }
}

/// <summary>The host with conversations idling out after about a second.</summary>
public sealed class ShortIdleBotHostFactory : BotHostFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Bot:IdleConversationMinutes"] = "0.02",
    };
}

[Trait("Category", "Integration")]
public sealed class IdleEvictionTests(ShortIdleBotHostFactory factory) : IClassFixture<ShortIdleBotHostFactory>
{
    [Fact]
    public async Task The_host_forgets_idle_conversations_on_its_own()
    {
        await factory.ReadyAsync();
        await using var channel = await ChannelStandIn.StartAsync();
        var client = factory.CreateClient();
        await client.PostAsync("/api/messages", TeamsActivities.Body(TeamsActivities.Message(channel.ServiceUrl, "/help", "a:idle")));
        Assert.Equal(1, await StoredAsync());

        for (var i = 0; i < 100 && await StoredAsync() > 0; i++)
            await Task.Delay(100);

        Assert.Equal(0, await StoredAsync());

        async Task<int> StoredAsync() => (int)(await client.GetFromJsonAsync<JsonObject>("/readyz"))!["conversations"]!["stored"]!;
    }
}
