using System.Net;

namespace Assistant.Bot.Security;

/// <summary>
/// Without MicrosoftAppId the bot accepts unauthenticated activities: that is for local use (the Bot Framework Emulator, tests).
/// The host refuses to start that way on an address other computers can reach unless Hosting__AllowAnonymousOnPublicAddress=true.
/// </summary>
public static class AnonymousMode
{
    public const string AllowSetting = "Hosting:AllowAnonymousOnPublicAddress";

    public static bool IsAnonymous(IConfiguration configuration) => string.IsNullOrEmpty(configuration["MicrosoftAppId"]);

    /// <summary>The addresses the host will listen on that are not loopback (from urls / ASPNETCORE_URLS, http(s)_ports, Kestrel endpoints).</summary>
    public static IReadOnlyList<string> PublicAddresses(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        // Ports alone (ASPNETCORE_HTTP_PORTS) bind every interface; they apply only when no URL is given.
        var ports = string.IsNullOrEmpty(configuration["urls"])
            ? new[] { "http_ports", "https_ports" }.SelectMany(k => (configuration[k] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(p => $"http://*:{p}")
            : [];
        return urls.Concat(ports).Where(u => !IsLoopback(u)).ToList();
    }

    /// <summary>Why the host must not start: anonymous on a public address without the explicit setting; or null.</summary>
    public static string? Refusal(IConfiguration configuration)
    {
        if (!IsAnonymous(configuration) || configuration.GetValue(AllowSetting, false))
            return null;
        var exposed = PublicAddresses(configuration);
        return exposed.Count == 0 ? null
            : $"Refusing to start: without MicrosoftAppId the bot accepts unauthenticated activities, which is for local use, but the host would listen on "
              + $"{string.Join(", ", exposed)}. Set MicrosoftAppId (with MicrosoftAppPassword or MicrosoftAppType) to require Bot Framework tokens, "
              + "listen on a loopback address (--urls http://localhost:3978), or set Hosting__AllowAnonymousOnPublicAddress=true to accept the risk.";
    }

    private static bool IsLoopback(string url)
    {
        // "http://*:80", "http://+:80" and "http://0.0.0.0:80" bind every interface; Uri cannot parse the first two.
        var host = url.Split("://", 2) is [_, var rest] ? rest.Split('/')[0] : url;
        var bracket = host.IndexOf(']', StringComparison.Ordinal);
        host = host.StartsWith('[') && bracket > 0 ? host[1..bracket] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
