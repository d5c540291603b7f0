namespace Assistant.Bot.Security;

/// <summary>Which other origins may call the host from a browser ("Cors__AllowedOrigins"); none by default (same origin only).</summary>
public sealed class CorsSettings
{
    public const string Section = "Cors";

    public string[] AllowedOrigins { get; set; } = [];

    public void Validate()
    {
        foreach (var o in AllowedOrigins)
        {
            if (!Uri.TryCreate(o, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || u.AbsolutePath != "/")
                throw new ArgumentException($"{Section}__AllowedOrigins: '{o}' is not an origin like https://intranet.example.com");
        }
    }
}

/// <summary>Security headers on every response, and CORS for the configured intranet origins.</summary>
public static class WebSecurity
{
    public const string CorsPolicy = "intranet";

    public static IServiceCollection AddWebSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var cors = configuration.GetSection(CorsSettings.Section).Get<CorsSettings>() ?? new CorsSettings();
        cors.Validate();
        services.AddSingleton(cors);
        services.AddCors(o => o.AddPolicy(CorsPolicy, p =>
        {
            if (cors.AllowedOrigins.Length > 0)
                p.WithOrigins(cors.AllowedOrigins).AllowAnyHeader().WithMethods("GET", "POST");
        }));
        return services;
    }

    public static IApplicationBuilder UseWebSecurity(this IApplicationBuilder app, IConfiguration configuration)
    {
        var directLine = configuration["WebChat:DirectLineDomain"];
        var connect = string.IsNullOrEmpty(directLine) || !Uri.TryCreate(directLine, UriKind.Absolute, out var d) ? "'self'" : $"'self' {d.GetLeftPart(UriPartial.Authority)}";
        app.Use(async (context, next) =>
        {
            var h = context.Response.Headers;
            h["X-Content-Type-Options"] = "nosniff";
            h["Referrer-Policy"] = "no-referrer";
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            // Web Chat styles itself inline and loads images as data: URLs; scripts come from this host only.
            h["Content-Security-Policy"] =
                $"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src {connect}; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";
            await next().ConfigureAwait(false);
        });
        app.UseCors(CorsPolicy);
        return app;
    }
}
