using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Assistant.Answering;
using Assistant.Tests.Bot;
using Assistant.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Assistant.Tests.Reliability;

[Trait("Category", "Integration")]
[Collection(RuntimeCollection.Name)]
public sealed class AnswerTelemetryTests(RuntimeFixture fixture)
{
    [Fact]
    public async Task An_answer_emits_answer_and_retrieval_spans_and_metrics()
    {
        var spans = new ConcurrentBag<Activity>();
        var measurements = new ConcurrentBag<(string Name, double Value, string Tags)>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == AssistantTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(activities);
        using var meters = new MeterListener { InstrumentPublished = (i, l) => { if (i.Meter.Name == AssistantTelemetry.Name) l.EnableMeasurementEvents(i); } };
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, Tags(tags))));
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, Tags(tags))));
        meters.Start();

        // Other tests answer in parallel: this test's spans are the ones under its own root.
        using (var root = new Activity("test").Start())
        {
            await fixture.Assistant.Answerer.AnswerAsync(new AskRequest("Can OpenAI models run on AWS?"));
            root.Stop();
            spans = new ConcurrentBag<Activity>(spans.Where(s => s.TraceId == root.TraceId));
        }

        var answer = Assert.Single(spans, s => s.OperationName == "assistant.answer");
        Assert.Equal("extractive", answer.GetTagItem("assistant.mode"));
        Assert.Contains(spans, s => s.OperationName == "assistant.retrieve" && s.ParentSpanId == answer.SpanId);
        Assert.Contains(measurements, m => m.Name == "assistant.answers" && m.Value == 1 && m.Tags.Contains("mode=extractive", StringComparison.Ordinal));
        Assert.Contains(measurements, m => m.Name == "assistant.answer.duration" && m.Value > 0);
        Assert.Contains(measurements, m => m.Name == "assistant.retrieval.duration" && m.Value > 0);
    }

    private static string Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var t in tags)
            parts.Add($"{t.Key}={t.Value}");
        return string.Join(",", parts);
    }
}

/// <summary>The host exporting OTLP (HTTP/protobuf) to a loopback collector stand-in.</summary>
public sealed class OtlpBotHostFactory : BotHostFactory
{
    public OtlpBotHostFactory()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        Collector = builder.Build();
        Collector.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            Received.Enqueue((signal, System.Text.Encoding.UTF8.GetString(body.ToArray())));
            return Results.Ok();
        });
        Collector.StartAsync().GetAwaiter().GetResult();
    }

    public WebApplication Collector { get; }

    public ConcurrentQueue<(string Signal, string Body)> Received { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["OpenTelemetry:OtlpEndpoint"] = Collector.Urls.First(),
        ["OpenTelemetry:MetricIntervalMs"] = "300",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Collector.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

[Trait("Category", "Integration")]
public sealed class HostTelemetryTests(OtlpBotHostFactory factory) : IClassFixture<OtlpBotHostFactory>
{
    [Fact]
    public async Task Traces_and_metrics_are_exported_over_otlp_when_configured()
    {
        await factory.ReadyAsync();
        var response = await factory.CreateClient().PostAsJsonAsync("/api/ask", new { question = "Can OpenAI models run on AWS?" });
        response.EnsureSuccessStatusCode();

        for (var i = 0; i < 150 && !(Has("traces", "assistant.answer") && Has("traces", "/api/ask") && Has("metrics", "assistant.answers")); i++)
            await Task.Delay(100);

        Assert.True(Has("traces", "assistant.answer"), "no trace with the assistant.answer span reached the collector");
        Assert.True(Has("traces", "/api/ask"), "no ASP.NET Core request span reached the collector");
        Assert.True(Has("metrics", "assistant.answers"), "no assistant.answers metric reached the collector");
    }

    [Fact]
    public async Task Every_response_carries_a_correlation_id_and_a_safe_one_from_the_caller_is_kept()
    {
        var client = factory.CreateClient();
        var generated = await client.GetAsync("/healthz");
        var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add("X-Correlation-Id", "crm-call-42");
        var kept = await client.SendAsync(request);
        var unsafeRequest = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        unsafeRequest.Headers.Add("X-Correlation-Id", "<script>");
        var replaced = await client.SendAsync(unsafeRequest);

        Assert.Matches("^[0-9a-f]{32}$", generated.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal("crm-call-42", kept.Headers.GetValues("X-Correlation-Id").Single());
        Assert.NotEqual("<script>", replaced.Headers.GetValues("X-Correlation-Id").Single());
    }

    private bool Has(string signal, string text) => factory.Received.Any(r => r.Signal == signal && r.Body.Contains(text, StringComparison.Ordinal));
}
