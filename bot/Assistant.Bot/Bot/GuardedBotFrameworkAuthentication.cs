using System.Security.Claims;
using System.Text.Json;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;

namespace Assistant.Bot.Bot;

/// <summary>
/// Bot Framework authentication that refuses what it cannot check with 401 (an <see cref="UnauthorizedAccessException"/>, which the
/// adapter answers with 401) instead of letting a token that does not parse, or a network error, become a 500; and that backs off from
/// an OpenID metadata endpoint after a failed fetch (5 s, doubling up to 5 min) instead of fetching it again for every request. Once
/// fetched, the SDK caches the metadata itself.
/// </summary>
public sealed class GuardedBotFrameworkAuthentication(BotFrameworkAuthentication inner, TimeProvider time, ILogger<GuardedBotFrameworkAuthentication> logger)
    : BotFrameworkAuthentication
{
    internal static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();

    // Per token issuer: the channel's and the emulator's tokens are checked against different metadata endpoints. Only issuers
    // whose metadata was actually fetched (the SDK's known ones) get an entry, so the table stays small.
    private readonly Dictionary<string, (DateTimeOffset RetryAt, TimeSpan Backoff)> _failing = new(StringComparer.Ordinal);

    public override Task<AuthenticateRequestResult> AuthenticateRequestAsync(Activity activity, string authHeader, CancellationToken cancellationToken) =>
        GuardAsync(authHeader, () => inner.AuthenticateRequestAsync(activity, authHeader, cancellationToken), cancellationToken);

    public override Task<AuthenticateRequestResult> AuthenticateStreamingRequestAsync(string authHeader, string channelIdHeader, CancellationToken cancellationToken) =>
        GuardAsync(authHeader, () => inner.AuthenticateStreamingRequestAsync(authHeader, channelIdHeader, cancellationToken), cancellationToken);

    public override ConnectorFactory CreateConnectorFactory(ClaimsIdentity claimsIdentity) => inner.CreateConnectorFactory(claimsIdentity);

    public override Task<UserTokenClient> CreateUserTokenClientAsync(ClaimsIdentity claimsIdentity, CancellationToken cancellationToken) =>
        inner.CreateUserTokenClientAsync(claimsIdentity, cancellationToken);

    public override Microsoft.Bot.Builder.Skills.BotFrameworkClient CreateBotFrameworkClient() => inner.CreateBotFrameworkClient();

    public override string GetOriginatingAudience() => inner.GetOriginatingAudience();

    public override Task<ClaimsIdentity> AuthenticateChannelRequestAsync(string authHeader, CancellationToken cancellationToken) =>
        GuardAsync(authHeader, () => inner.AuthenticateChannelRequestAsync(authHeader, cancellationToken), cancellationToken);

    /// <summary>Whether an Authorization header holds a bearer token of three non-empty dot-separated parts.</summary>
    internal static bool LooksLikeJwt(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && authorization[7..].Trim().Split('.') is [{ Length: > 0 }, { Length: > 0 }, { Length: > 0 }];

    private async Task<T> GuardAsync<T>(string? authHeader, Func<Task<T>> authenticate, CancellationToken ct)
    {
        // No token: the SDK decides (anonymous when no app id is configured, else 401); no metadata is involved.
        if (string.IsNullOrWhiteSpace(authHeader))
            return await authenticate().ConfigureAwait(false);
        var issuer = Issuer(authHeader) ?? throw new UnauthorizedAccessException("the bearer token is not a readable JWT");
        lock (_gate)
        {
            if (_failing.TryGetValue(issuer, out var failing) && time.GetUtcNow() < failing.RetryAt)
                throw new UnauthorizedAccessException($"tokens from {issuer} cannot be checked before {failing.RetryAt:u}: its OpenID metadata could not be fetched");
        }
        try
        {
            var result = await authenticate().ConfigureAwait(false);
            Recovered(issuer);
            return result;
        }
        catch (Exception e) when (e is not UnauthorizedAccessException && !(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            if (!IsMetadataFailure(e))
                throw new UnauthorizedAccessException($"the bearer token could not be validated ({e.GetType().Name})", e);
            var backoff = Failed(issuer);
            logger.LogWarning("The OpenID metadata for tokens from {Issuer} could not be fetched ({Reason}); refusing its tokens for {Seconds} s",
                issuer, Innermost(e).Message, backoff.TotalSeconds);
            throw new UnauthorizedAccessException("the bearer token could not be checked: the OpenID metadata could not be fetched", e);
        }
    }

    private TimeSpan Failed(string issuer)
    {
        lock (_gate)
        {
            var backoff = _failing.TryGetValue(issuer, out var previous) ? TimeSpan.FromTicks(Math.Min(previous.Backoff.Ticks * 2, MaxBackoff.Ticks)) : FirstBackoff;
            _failing[issuer] = (time.GetUtcNow() + backoff, backoff);
            return backoff;
        }
    }

    private void Recovered(string issuer)
    {
        lock (_gate)
            _failing.Remove(issuer);
    }

    /// <summary>A failure to fetch the metadata (the token itself was never judged), as opposed to a token that is bad.</summary>
    private static bool IsMetadataFailure(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is HttpRequestException or IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException
                || (x is InvalidOperationException && x.Message.Contains("IDX20803", StringComparison.Ordinal)))
                return true;
        }
        return false;
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    /// <summary>The unverified "iss" claim of a bearer JWT (used only to choose a back-off entry), or null when it does not parse.</summary>
    private static string? Issuer(string authHeader)
    {
        if (!LooksLikeJwt(authHeader))
            return null;
        var payload = authHeader[7..].Trim().Split('.')[1].Replace('-', '+').Replace('_', '/');
        try
        {
            using var json = JsonDocument.Parse(Convert.FromBase64String(payload + new string('=', (4 - (payload.Length % 4)) % 4)));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("iss", out var iss) && iss.ValueKind == JsonValueKind.String
                ? iss.GetString()
                : "";
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
