using System.Diagnostics;
using System.Text.RegularExpressions;
using Assistant.Answering;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Assistant.Bot.Hosting;

/// <summary>OpenTelemetry traces and metrics (switched on by configuration) and a correlation id on every request and its logs.</summary>
public static partial class Telemetry
{
    public const string CorrelationHeader = "X-Correlation-Id";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeId();

    /// <summary>The setting Application Insights (and Azure Container Apps, App Service) use for the connection string.</summary>
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Exports to Application Insights (Azure Monitor's OpenTelemetry distro) when APPLICATIONINSIGHTS_CONNECTION_STRING is
    /// set, to OTLP when OpenTelemetry:OtlpEndpoint (or OTEL_EXPORTER_OTLP_ENDPOINT) is set, to the console when
    /// OpenTelemetry:Console is true — any together; with none, nothing is registered and the instruments cost nothing.</summary>
    public static IServiceCollection AddAssistantTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = configuration["OpenTelemetry:OtlpEndpoint"] is { Length: > 0 } e ? e : configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var console = configuration.GetValue("OpenTelemetry:Console", false);
        var appInsights = configuration[ApplicationInsightsSetting];
        if (string.IsNullOrEmpty(otlp) && !console && string.IsNullOrEmpty(appInsights))
            return services;
        var protocol = configuration["OpenTelemetry:OtlpProtocol"] == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        void Otlp(OtlpExporterOptions o, string signal)
        {
            var baseUri = otlp!.TrimEnd('/');
            o.Protocol = protocol;
            o.Endpoint = new Uri(protocol == OtlpExportProtocol.Grpc ? baseUri : $"{baseUri}/v1/{signal}");
        }
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(configuration["OpenTelemetry:ServiceName"] ?? "assistant"));
        // The distro brings its own ASP.NET Core and HttpClient instrumentation (traces, metrics, logs); adding ours as well
        // would instrument every request twice.
        var instrumented = !string.IsNullOrEmpty(appInsights);
        if (instrumented)
            telemetry.UseAzureMonitor(o => o.ConnectionString = appInsights);
        telemetry
            .WithTracing(t =>
            {
                t.AddSource(AssistantTelemetry.Name);
                if (!instrumented)
                    t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (!string.IsNullOrEmpty(otlp))
                    t.AddOtlpExporter(o => Otlp(o, "traces"));
                if (console)
                    t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter(AssistantTelemetry.Name);
                if (!instrumented)
                    m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (!string.IsNullOrEmpty(otlp))
                    m.AddOtlpExporter((o, reader) =>
                    {
                        Otlp(o, "metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = configuration.GetValue("OpenTelemetry:MetricIntervalMs", 60_000);
                    });
                if (console)
                    m.AddConsoleExporter();
            });
        return services;
    }

    /// <summary>Gives each request a correlation id (the caller's X-Correlation-Id when it is a safe token, else the trace id),
    /// returns it in the response header and puts it in the scope of every log line written while serving the request.</summary>
    public static IApplicationBuilder UseCorrelationIds(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var offered = context.Request.Headers[CorrelationHeader].ToString();
        var id = SafeId().IsMatch(offered) ? offered : Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Response.Headers[CorrelationHeader] = id;
        Activity.Current?.SetTag("assistant.correlation_id", id);
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Assistant.Request");
        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
            await next(context).ConfigureAwait(false);
    });
}
