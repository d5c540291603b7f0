using System.Collections.Concurrent;
using Assistant.Bot.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Assistant.Tests.Reliability;

/// <summary>Application Insights is wired through Azure Monitor's OpenTelemetry distro when, and only when,
/// APPLICATIONINSIGHTS_CONNECTION_STRING is set; OTLP keeps working beside it.</summary>
[Trait("Category", "Integration")]
public sealed class ApplicationInsightsTests
{
    private static IServiceCollection Telemetry(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build();
        return new ServiceCollection().AddLogging().AddAssistantTelemetry(configuration);
    }

    private static bool HasAzureMonitor(IServiceCollection services) =>
        services.Any(d => $"{d.ServiceType} {d.ImplementationType}".Contains("Azure.Monitor", StringComparison.Ordinal));

    [Fact]
    public void Without_a_connection_string_Azure_Monitor_is_not_registered()
    {
        Assert.False(HasAzureMonitor(Telemetry()));
        Assert.False(HasAzureMonitor(Telemetry(("OpenTelemetry:OtlpEndpoint", "http://127.0.0.1:4318"))));
        using var nothing = Telemetry().BuildServiceProvider();
        Assert.Null(nothing.GetService<TracerProvider>());
    }

    [Fact]
    public void With_a_connection_string_Azure_Monitor_is_registered_beside_OTLP() =>
        Assert.True(HasAzureMonitor(Telemetry(
            (Assistant.Bot.Hosting.Telemetry.ApplicationInsightsSetting, "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/"),
            ("OpenTelemetry:OtlpEndpoint", "http://127.0.0.1:4318"))));

    [Fact]
    public async Task A_request_reaches_the_ingestion_endpoint_named_by_the_connection_string()
    {
        // A loopback stand-in of Application Insights' ingestion endpoint: the exporter POSTs its envelopes to /v2.1/track.
        var received = new ConcurrentQueue<string>();
        var ingestion = WebApplication.CreateSlimBuilder();
        ingestion.WebHost.UseUrls("http://127.0.0.1:0");
        ingestion.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var standIn = ingestion.Build();
        standIn.MapPost("/v2.1/track", (HttpRequest r) =>
        {
            received.Enqueue(r.Path);
            return Results.Json(new { itemsReceived = 1, itemsAccepted = 1, errors = Array.Empty<object>() });
        });
        standIn.MapFallback(() => Results.Ok());
        await standIn.StartAsync();
        var endpoint = standIn.Urls.First() + "/";

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration[Assistant.Bot.Hosting.Telemetry.ApplicationInsightsSetting] = $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint={endpoint};LiveEndpoint={endpoint}";
        builder.Services.AddAssistantTelemetry(builder.Configuration);
        await using var app = builder.Build();
        app.MapGet("/ping", () => "pong");
        await app.StartAsync();

        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        for (var i = 0; i < 60 && received.IsEmpty; i++)
        {
            (await client.GetAsync("/ping")).EnsureSuccessStatusCode();
            await Task.Delay(500);
        }
        await app.StopAsync();

        Assert.NotEmpty(received);
    }
}
