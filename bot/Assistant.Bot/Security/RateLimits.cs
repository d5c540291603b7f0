using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Assistant.Bot.Security;

/// <summary>Request budgets ("RateLimit__*"); 0 switches a budget off (load tests, trusted networks).</summary>
public sealed class RateLimitSettings
{
    public const string Section = "RateLimit";

    /// <summary>Budget units per minute per user, shared by every surface (API, Direct Line, Teams, any channel id): a question
    /// costs one, plus one per <c>Assistant__MaxQuestionLength</c> characters of history it carries.</summary>
    public int UserPerMinute { get; set; } = 30;

    /// <summary>New Direct Line conversations per minute per client.</summary>
    public int TokensPerMinute { get; set; } = 20;

    /// <summary>Settings that one per-user budget replaced; naming them is a start-up error rather than a silent no-op.</summary>
    internal static readonly IReadOnlyList<string> Retired = ["ApiPerMinute", "ConversationPerMinute"];

    public void Validate()
    {
        if (UserPerMinute < 0 || TokensPerMinute < 0)
            throw new ArgumentException($"{Section}__* budgets must be 0 (off) or positive");
    }
}

/// <summary>Who a request is charged to, for the bot's turn: set by the endpoint that received it (scoped per request).</summary>
public sealed class RequestCaller
{
    /// <summary>The budget key: the authenticated user where there is one, else the client address.</summary>
    public string? Key { get; set; }

    /// <summary>Units the endpoint already took before the turn (Direct Line charges each post before it is stored).</summary>
    public int Precharged { get; set; }
}

/// <summary>ASP.NET Core rate limiting for token generation, and the one per-user budget every surface draws from.</summary>
public static class RateLimits
{
    public const string Tokens = "tokens";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        foreach (var retired in RateLimitSettings.Retired)
        {
            if (configuration[$"{RateLimitSettings.Section}:{retired}"] is not null)
                throw new ArgumentException($"{RateLimitSettings.Section}__{retired} was replaced by {RateLimitSettings.Section}__UserPerMinute (one budget per user on every surface)");
        }
        var settings = configuration.GetSection(RateLimitSettings.Section).Get<RateLimitSettings>() ?? new RateLimitSettings();
        settings.Validate();
        services.AddSingleton(settings);
        services.AddSingleton(sp => new UserBudget(settings.UserPerMinute,
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Assistant.Core.AssistantSettings>>().Value.MaxQuestionLength));
        services.AddScoped<RequestCaller>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                await TooMany(retry).ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
            o.AddPolicy(Tokens, http => Window(ClientAddresses.Key(http), settings.TokensPerMinute));
        });
        return services;
    }

    /// <summary>429 with Retry-After and a JSON error naming the budget.</summary>
    public static IResult TooMany(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return new TooManyResult(seconds);
    }

    private static RateLimitPartition<string> Window(string key, int perMinute) => perMinute == 0
        ? RateLimitPartition.GetNoLimiter(key)
        : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });

    private sealed class TooManyResult(int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return httpContext.Response.WriteAsJsonAsync(new { error = $"too many requests; retry in {seconds} s", field = "rate" });
        }
    }
}

/// <summary>Budget units per minute per user (or client address), shared by the API, Direct Line and every bot channel.</summary>
/// <remarks>History is never answered again, but it is read, resolved and carried: each <paramref name="charactersPerUnit"/>
/// characters of it cost one more unit, so a request stuffed with history pays for it.</remarks>
public sealed class UserBudget(int perMinute, int charactersPerUnit)
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key => perMinute == 0
        ? RateLimitPartition.GetNoLimiter(key)
        : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    /// <summary>Null when <paramref name="units"/> could be taken from <paramref name="key"/>'s budget; otherwise how long to wait.</summary>
    public TimeSpan? TryTake(string key, int units = 1)
    {
        if (units <= 0 || perMinute == 0)
            return null;
        using var lease = _limiter.AttemptAcquire(key, Math.Min(units, perMinute));
        if (lease.IsAcquired)
            return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
    }

    /// <summary>What a question costs: one unit, plus one per started <c>charactersPerUnit</c> characters of history.</summary>
    public int Cost(int historyCharacters) => 1 + (historyCharacters <= 0 ? 0 : (historyCharacters + charactersPerUnit - 1) / charactersPerUnit);
}
