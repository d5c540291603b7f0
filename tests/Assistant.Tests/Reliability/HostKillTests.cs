using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Assistant.Tests.Bot;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Reliability;

/// <summary>The bot host as a real process, killed with SIGKILL right after acknowledging a turn and a feedback.</summary>
[Trait("Category", "Integration")]
public sealed class HostKillTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("assistant-kill-").FullName;
    private ChannelStandIn _channel = null!;

    public async Task InitializeAsync() => _channel = await ChannelStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private async Task<(Process Host, HttpClient Client)> StartHostAsync()
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "Assistant.Bot.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["Assistant__Corpus"] = RepoPaths.Corpus;
        info.Environment["Assistant__Index"] = Path.Combine(_data, "index.db");
        var host = Process.Start(info)!;
        host.OutputDataReceived += (_, _) => { };
        host.ErrorDataReceived += (_, _) => { };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode)
                    return (host, client);
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        host.Kill(entireProcessTree: true);
        throw new TimeoutException("the host did not become ready");
    }

    [Fact]
    public async Task Conversation_state_and_feedback_acknowledged_before_a_sigkill_are_there_after_it()
    {
        var (host, client) = await StartHostAsync();
        try
        {
            var turn = await client.PostAsync("/api/messages", TeamsActivities.Body(TeamsActivities.Message(_channel.ServiceUrl, "Can OpenAI models run on AWS?", "a:killed")));
            Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
            var acknowledged = await client.PostAsync("/api/messages", TeamsActivities.Body(TeamsActivities.Feedback(_channel.ServiceUrl, "a:killed", "like", "clear")));
            Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        }
        finally
        {
            host.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flush
            await host.WaitForExitAsync();
        }

        await using (var db = new SqliteConnection($"Data Source={Path.Combine(_data, "bot.db")};Mode=ReadOnly;Pooling=False"))
        {
            await db.OpenAsync();
            await using var state = db.CreateCommand();
            state.CommandText = "SELECT value FROM state WHERE key LIKE '%a:killed%'";
            Assert.Contains("Can OpenAI models run on AWS?", (string)(await state.ExecuteScalarAsync())!, StringComparison.Ordinal);
            await using var fb = db.CreateCommand();
            fb.CommandText = "SELECT reaction || '|' || comment || '|' || question FROM feedback WHERE conversation = 'a:killed'";
            Assert.Equal("like|clear|Can OpenAI models run on AWS?", (string?)await fb.ExecuteScalarAsync());
        }

        var (restarted, again) = await StartHostAsync();
        try
        {
            var ready = await again.GetFromJsonAsync<JsonObject>("/readyz");
            Assert.Equal(1, (int)ready!["conversations"]!["stored"]!);
        }
        finally
        {
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
        }
    }
}
