using System.Net;
using System.Net.Sockets;
using System.Text;
using Assistant.Tests.Bot;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Assistant.Tests.Hardening;

/// <summary>The host with an app id and its OpenID metadata at a loopback endpoint that accepts connections and drops them.</summary>
public sealed class UnreachableMetadataHostFactory : BotHostFactory
{
    public const string AppId = "00000000-0000-0000-0000-000000000002";

    private readonly TcpListener _metadata = new(IPAddress.Loopback, 0);
    private int _fetches;

    public UnreachableMetadataHostFactory()
    {
        _metadata.Start();
        _ = AcceptAsync();
    }

    /// <summary>Connections made to the metadata endpoint: one per fetch attempt.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["MicrosoftAppType"] = "MultiTenant",
        ["MicrosoftAppId"] = AppId,
        ["MicrosoftAppPassword"] = "not-a-real-secret",
        // Any one of these makes the SDK build its authentication from settings, so the issuer is given too.
        ["ToBotFromChannelTokenIssuer"] = "https://api.botframework.com",
        ["ToBotFromChannelOpenIdMetadataUrl"] = $"https://127.0.0.1:{((IPEndPoint)_metadata.LocalEndpoint).Port}/v1/.well-known/openidconfiguration",
        ["ToBotFromEmulatorOpenIdMetadataUrl"] = $"https://127.0.0.1:{((IPEndPoint)_metadata.LocalEndpoint).Port}/emulator/.well-known/openid-configuration",
    };

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var connection = await _metadata.AcceptTcpClientAsync();
                Interlocked.Increment(ref _fetches);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    protected override void Dispose(bool disposing)
    {
        _metadata.Stop();
        base.Dispose(disposing);
    }
}

/// <summary>Tokens the host cannot read or check get 401, never 500; an unreachable metadata endpoint is not fetched per request.</summary>
[Trait("Category", "Integration")]
public sealed class ChannelAuthenticationTests(UnreachableMetadataHostFactory factory) : IClassFixture<UnreachableMetadataHostFactory>
{
    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A well-formed, unsigned-by-anyone-known JWT from the Bot Framework channel's issuer.</summary>
    private static string ChannelToken()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Base64Url("""{"alg":"RS256","kid":"test-key","typ":"JWT"}""") + "."
            + Base64Url($$"""{"iss":"https://api.botframework.com","aud":"{{UnreachableMetadataHostFactory.AppId}}","nbf":{{now - 60}},"exp":{{now + 3600}},"serviceurl":"http://127.0.0.1:9/"}""")
            + ".c2lnbmF0dXJl";
    }

    private async Task<HttpResponseMessage> PostAsync(string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = TeamsActivities.Body(TeamsActivities.Message("http://127.0.0.1:9/", "hi", "a:auth")),
        };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await factory.CreateClient().SendAsync(request);
    }

    [Theory]
    [InlineData("Bearer a.b.c")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.bm90LWpzb24.c2ln")]
    [InlineData("Bearer e30.e30.e30")]
    [InlineData("Bearer ....x.y")]
    public async Task A_malformed_bearer_token_is_401(string authorization)
    {
        await factory.ReadyAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(authorization)).StatusCode);
    }

    [Fact]
    public async Task Unreachable_metadata_gives_401_and_is_not_fetched_again_for_every_request()
    {
        await factory.ReadyAsync();
        var before = factory.Fetches;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
            statuses.Add((await PostAsync("Bearer " + ChannelToken())).StatusCode);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.InRange(factory.Fetches - before, 1, 2);
    }
}

/// <summary>A channel whose serviceUrl answers with an error: the turn is answered 502, never 500.</summary>
[Trait("Category", "Integration")]
public sealed class FailingChannelTests(BotHostFactory factory) : IClassFixture<BotHostFactory>
{
    [Theory]
    [InlineData(500)]
    [InlineData(404)]
    [InlineData(401)]
    public async Task A_service_url_answering_an_error_gives_502(int status)
    {
        await factory.ReadyAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var channel = builder.Build();
        channel.MapPost("/v3/conversations/{conversationId}/activities/{activityId?}", () => Results.StatusCode(status));
        await channel.StartAsync();

        var response = await factory.ClientFrom("192.0.2.70").PostAsync("/api/messages",
            TeamsActivities.Body(TeamsActivities.Message(channel.Urls.First() + "/", "/help", "a:failing-" + status)));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }
}
