using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Assistant.Bot.Security;
using Assistant.Tests.Bot;
using Microsoft.Extensions.Configuration;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Hardening;

[Trait("Category", "Unit")]
public sealed class AnonymousModeRuleTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://+:8080")]
    [InlineData("http://*:8080")]
    [InlineData("http://[::]:8080")]
    [InlineData("http://10.1.2.3:8080")]
    [InlineData("http://localhost:3978;http://assistant.intranet:80")]
    public void Anonymous_on_an_address_others_can_reach_is_refused_naming_the_setting(string urls)
    {
        var refusal = AnonymousMode.Refusal(Config(("urls", urls)));

        Assert.NotNull(refusal);
        Assert.Contains("Hosting__AllowAnonymousOnPublicAddress=true", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Ports_alone_bind_every_interface()
    {
        Assert.NotNull(AnonymousMode.Refusal(Config(("http_ports", "8080"))));
    }

    [Theory]
    [InlineData("http://localhost:3978")]
    [InlineData("http://127.0.0.1:5000;http://[::1]:5000")]
    public void Anonymous_on_loopback_starts(string urls)
    {
        Assert.Null(AnonymousMode.Refusal(Config(("urls", urls))));
    }

    [Fact]
    public void An_app_id_or_the_explicit_setting_lets_the_host_listen_anywhere()
    {
        Assert.Null(AnonymousMode.Refusal(Config(("urls", "http://+:8080"), ("MicrosoftAppId", "00000000-0000-0000-0000-000000000001"))));
        Assert.Null(AnonymousMode.Refusal(Config(("urls", "http://+:8080"), ("Hosting:AllowAnonymousOnPublicAddress", "true"))));
    }
}

/// <summary>The host as a process: anonymous on 0.0.0.0 stops with a clear error; with the explicit setting it starts and warns.</summary>
[Trait("Category", "Integration")]
public sealed class AnonymousStartupTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("assistant-anon-").FullName;

    private (Process Process, ConcurrentQueue<string> Output, int Port) Start(params (string Key, string Value)[] environment)
    {
        var port = HostProcess.FreePort();
        var (process, output) = HostProcess.Start(_data, ["--urls", $"http://0.0.0.0:{port}"], environment);
        return (process, output, port);
    }

    [Fact]
    public async Task Anonymous_on_every_interface_exits_with_a_message_naming_the_setting()
    {
        var (host, output, _) = Start();
        try
        {
            await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            HostProcess.Stop(host);
        }

        Assert.Equal(1, host.ExitCode);
        var said = string.Join('\n', output);
        Assert.Contains("Refusing to start", said, StringComparison.Ordinal);
        Assert.Contains("Hosting__AllowAnonymousOnPublicAddress=true", said, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_explicit_setting_it_starts_and_says_so()
    {
        var (host, output, port) = Start(("Hosting__AllowAnonymousOnPublicAddress", "true"));
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await HostProcess.WaitForAsync(host, output, async () => (await client.GetAsync("/healthz")).IsSuccessStatusCode);
            await HostProcess.WaitForAsync(host, output, () => Task.FromResult(output.Any(l => l.Contains("Anonymous mode on", StringComparison.Ordinal))));
        }
        finally
        {
            HostProcess.Stop(host);
        }
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}

/// <summary>In anonymous mode the bot's replies stay on the machine: a loopback serviceUrl, or expectReplies.</summary>
[Trait("Category", "Integration")]
public sealed class AnonymousRepliesTests(BotHostFactory factory) : IClassFixture<BotHostFactory>
{
    private static JObject Message(string serviceUrl, string type = "message")
    {
        var activity = TeamsActivities.Message(serviceUrl, "/help", "a:" + Guid.NewGuid().ToString("N"));
        activity["type"] = type;
        return activity;
    }

    [Theory]
    [InlineData("http://10.0.0.5:8080/")]
    [InlineData("http://167772165/")] // 10.0.0.5 written as one decimal number
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("https://localhost.example.com/")]
    public async Task A_service_url_off_the_machine_is_refused(string serviceUrl)
    {
        await factory.ReadyAsync();

        var response = await factory.ClientFrom("192.0.2.60").PostAsync("/api/messages", TeamsActivities.Body(Message(serviceUrl)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("loopback serviceUrl", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expect_replies_answers_in_the_response_whatever_the_service_url()
    {
        await factory.ReadyAsync();
        var activity = Message("http://10.0.0.5:8080/");
        activity["deliveryMode"] = "expectReplies";

        var response = await factory.ClientFrom("192.0.2.61").PostAsync("/api/messages", TeamsActivities.Body(activity));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/check STATEMENT", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conversation_update_needs_a_loopback_service_url_even_with_expect_replies()
    {
        await factory.ReadyAsync();
        var update = Message("http://10.0.0.5:8080/", "conversationUpdate");
        update["deliveryMode"] = "expectReplies";
        update["membersAdded"] = new JArray(new JObject { ["id"] = "29:user" });

        var response = await factory.ClientFrom("192.0.2.62").PostAsync("/api/messages", TeamsActivities.Body(update));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
