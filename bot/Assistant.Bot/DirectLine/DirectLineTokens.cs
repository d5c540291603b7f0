using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Assistant.Bot.DirectLine;

/// <summary>Settings of the built-in Direct Line endpoint ("DirectLine__*").</summary>
public sealed class DirectLineOptions
{
    public const string Section = "DirectLine";

    /// <summary>Key that signs tokens; generated and stored beside the index on first start when empty.</summary>
    public string? TokenSecret { get; set; }

    /// <summary>How long a token lives, in seconds (Web Chat refreshes every 15 minutes).</summary>
    public int TokenLifetimeSeconds { get; set; } = 1800;

    /// <summary>Conversations idle longer than this are forgotten, in minutes.</summary>
    public int IdleConversationMinutes { get; set; } = 120;

    /// <summary>Largest request body accepted on /v3/directline/* (one activity as JSON), in bytes.</summary>
    public int MaxActivityBytes { get; set; } = 65_536;

    /// <summary>Activities kept per conversation; older ones are forgotten (Web Chat only asks for the newest).</summary>
    public int MaxActivitiesPerConversation { get; set; } = 500;

    /// <summary>Bytes kept per conversation (its activities as JSON); older activities are forgotten past it.</summary>
    public int MaxConversationBytes { get; set; } = 1_048_576;

    /// <summary>Live conversations per client address; starting one more forgets that client's least recently active one (0 = no cap).</summary>
    public int MaxConversationsPerClient { get; set; } = 100;

    /// <summary>Live conversations in all; starting one more forgets the least recently active one.</summary>
    public int MaxConversations { get; set; } = 10_000;

    public void Validate()
    {
        if (MaxActivityBytes is < 1024 or > 16_777_216)
            throw new ArgumentException($"{Section}__MaxActivityBytes must be between 1024 and 16777216, not {MaxActivityBytes}");
        if (MaxActivitiesPerConversation < 10)
            throw new ArgumentException($"{Section}__MaxActivitiesPerConversation must be at least 10, not {MaxActivitiesPerConversation}");
        if (MaxConversationBytes < MaxActivityBytes)
            throw new ArgumentException($"{Section}__MaxConversationBytes must be at least {Section}__MaxActivityBytes ({MaxActivityBytes}), not {MaxConversationBytes}");
        if (MaxConversationsPerClient < 0)
            throw new ArgumentException($"{Section}__MaxConversationsPerClient must be 0 (no cap) or positive, not {MaxConversationsPerClient}");
        if (MaxConversations < 1)
            throw new ArgumentException($"{Section}__MaxConversations must be at least 1, not {MaxConversations}");
        if (TokenLifetimeSeconds is < 60 or > 86_400)
            throw new ArgumentException($"{Section}__TokenLifetimeSeconds must be between 60 and 86400, not {TokenLifetimeSeconds}");
        if (IdleConversationMinutes < 1)
            throw new ArgumentException($"{Section}__IdleConversationMinutes must be at least 1, not {IdleConversationMinutes}");
        if (TokenSecret is { Length: > 0 and < 32 })
            throw new ArgumentException($"{Section}__TokenSecret must be at least 32 characters long");
    }
}

/// <summary>What a valid token grants: one conversation, for one user, until it expires.</summary>
public sealed record TokenGrant(string ConversationId, string UserId, DateTimeOffset Expires);

/// <summary>Signed, expiring Direct Line tokens bound to one conversation (HMAC-SHA256 over a small JSON payload).</summary>
public sealed class DirectLineTokens
{
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public DirectLineTokens(byte[] key, TimeSpan lifetime, TimeProvider? time = null)
    {
        if (key.Length < 32)
            throw new ArgumentException("the token key needs at least 32 bytes", nameof(key));
        _key = key;
        Lifetime = lifetime;
        _time = time ?? TimeProvider.System;
    }

    public TimeSpan Lifetime { get; }

    /// <summary>Loads the configured key, or creates one in <paramref name="keyFile"/> on first start.</summary>
    public static byte[] LoadKey(DirectLineOptions options, string keyFile)
    {
        if (!string.IsNullOrEmpty(options.TokenSecret))
            return Encoding.UTF8.GetBytes(options.TokenSecret);
        if (File.Exists(keyFile))
            return Convert.FromBase64String(File.ReadAllText(keyFile).Trim());
        var key = RandomNumberGenerator.GetBytes(32);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFile))!);
        File.WriteAllText(keyFile, Convert.ToBase64String(key));
        return key;
    }

    public string Issue(string conversationId, string userId)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(conversationId, userId, _time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds()));
        return $"{Base64Url(payload)}.{Base64Url(HMACSHA256.HashData(_key, payload))}";
    }

    /// <summary>The grant of a well-signed, unexpired token; null otherwise.</summary>
    public TokenGrant? Validate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Split('.') is not [var body, var signature])
            return null;
        try
        {
            var payload = FromBase64Url(body);
            if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, payload), FromBase64Url(signature)))
                return null;
            var p = JsonSerializer.Deserialize<Payload>(payload);
            if (p is null || p.Exp < _time.GetUtcNow().ToUnixTimeSeconds())
                return null;
            return new TokenGrant(p.Conv, p.User, DateTimeOffset.FromUnixTimeSeconds(p.Exp));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private sealed record Payload(string Conv, string User, long Exp);

    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b + new string('=', (4 - (b.Length % 4)) % 4));
    }
}
