using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Assistant.Bot.Security;

/// <summary>Request budgets ("RateLimit__*"); 0 switches a budget off (load tests, trusted networks).</summary>
public sealed class RateLimitSettings
{
    public const string Section = "RateLimit";

    /// <summary>Questions per minute per client on /api/ask and /api/check.</summary>
    public int ApiPerMinute { get; set; } = 60;

    /// <summary>Messages per minute per conversation (Direct Line and Teams).</summary>
    public int ConversationPerMinute { get; set; } = 20;

    /// <summary>New Direct Line conversations per minute per client.</summary>
    public int TokensPerMinute { get; set; } = 20;

    public void Validate()
    {
        if (ApiPerMinute < 0 || ConversationPerMinute < 0 || TokensPerMinute < 0)
            throw new ArgumentException($"{Section}__* budgets must be 0 (off) or positive");
    }
}

/// <summary>ASP.NET Core rate limiting: 429 with Retry-After and a JSON error; a per-conversation budget the bot also uses.</summary>
public static class RateLimits
{
    public const string Api = "api";
    public const string Conversation = "conversation";
    public const string Tokens = "tokens";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(RateLimitSettings.Section).Get<RateLimitSettings>() ?? new RateLimitSettings();
        settings.Validate();
        services.AddSingleton(settings);
        services.AddSingleton(new ConversationBudget(settings.ConversationPerMinute));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : 60;
                context.HttpContext.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.Response.WriteAsJsonAsync(new { error = $"too many requests; retry in {retry} s", field = "rate" }, ct).ConfigureAwait(false);
            };
            o.AddPolicy(Api, http => Window(Client(http), settings.ApiPerMinute));
            o.AddPolicy(Tokens, http => Window(Client(http), settings.TokensPerMinute));
            o.AddPolicy(Conversation, http => Window("c:" + (http.Request.RouteValues["id"]?.ToString() ?? Client(http)), settings.ConversationPerMinute));
        });
        return services;
    }

    private static string Client(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> Window(string key, int perMinute) => perMinute == 0
        ? RateLimitPartition.GetNoLimiter(key)
        : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}

/// <summary>Messages per minute per conversation, for channels whose requests carry the conversation in the body (Teams).</summary>
public sealed class ConversationBudget(int perMinute)
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(id => perMinute == 0
        ? RateLimitPartition.GetNoLimiter(id)
        : RateLimitPartition.GetFixedWindowLimiter(id, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    /// <summary>Null when the message may go ahead; otherwise how long to wait.</summary>
    public TimeSpan? TryTake(string conversationId)
    {
        using var lease = _limiter.AttemptAcquire(conversationId);
        if (lease.IsAcquired)
            return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
    }
}
