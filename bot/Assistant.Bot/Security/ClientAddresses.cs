using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Assistant.Bot.Security;

/// <summary>Which proxies may say who the client is ("ForwardedHeaders__*"); none by default, so X-Forwarded-For is ignored.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of trusted reverse proxies, e.g. 10.0.0.4.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted reverse proxies in CIDR form, e.g. 10.0.0.0/8.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in front of the host may each add an address (the client's is the one before them).</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies.Length > 0 || KnownNetworks.Length > 0;

    public void Validate()
    {
        foreach (var p in KnownProxies)
        {
            if (!IPAddress.TryParse(p, out _))
                throw new ArgumentException($"{Section}__KnownProxies: '{p}' is not an IP address");
        }
        foreach (var n in KnownNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(n, out _))
                throw new ArgumentException($"{Section}__KnownNetworks: '{n}' is not a network like 10.0.0.0/8");
        }
        if (ForwardLimit is < 1 or > 10)
            throw new ArgumentException($"{Section}__ForwardLimit must be between 1 and 10, not {ForwardLimit}");
    }
}

/// <summary>The client's address, through the configured proxies only; the key of budgets that have no authenticated user.</summary>
public static class ClientAddresses
{
    public static IServiceCollection AddClientAddresses(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new ForwardedHeadersSettings();
        settings.Validate();
        services.AddSingleton(settings);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = settings.ForwardLimit;
            // The defaults trust loopback: only what is configured is trusted.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var p in settings.KnownProxies)
                o.KnownProxies.Add(IPAddress.Parse(p));
            foreach (var n in settings.KnownNetworks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n));
        });
        return services;
    }

    /// <summary>Takes the client's address and scheme from X-Forwarded-For/-Proto when the request came through a known proxy.</summary>
    public static IApplicationBuilder UseClientAddresses(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<ForwardedHeadersSettings>().Enabled)
            app.UseForwardedHeaders();
        return app;
    }

    /// <summary>The budget key of a caller with no authenticated identity: its address (IPv4-mapped IPv6 as IPv4).</summary>
    public static string Key(HttpContext http)
    {
        var ip = http.Connection.RemoteIpAddress;
        return "ip:" + (ip is null ? "unknown" : (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString());
    }
}
