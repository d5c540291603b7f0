using Assistant.Core;
using Azure.Identity;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;
using Polly;

namespace Assistant.Answering.Generative;

/// <summary>The Semantic Kernel connection to Azure OpenAI: chat and embeddings over one resilient HttpClient.</summary>
/// <remarks>Retries (honouring Retry-After), the per-call timeout and the circuit breaker come from
/// Microsoft.Extensions.Http.Resilience; the Azure SDK's own retries are off when a client is supplied.</remarks>
public sealed class ModelConnection : IDisposable
{
    public const string HttpClientName = "azure-openai";

    private readonly ServiceProvider _http;

    public ModelConnection(AzureOpenAISettings settings, ILoggerFactory? loggerFactory = null)
    {
        settings.Validate();
        Settings = settings;
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory ?? NullLoggerFactory.Instance);
        services.AddLogging();
        services.AddHttpClient(HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler(o => Configure(o, settings));
        _http = services.BuildServiceProvider();
        var client = _http.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);

        var builder = Kernel.CreateBuilder();
        if (loggerFactory is not null)
            builder.Services.AddSingleton(loggerFactory);
        var endpoint = settings.Endpoint!;
        var key = string.IsNullOrWhiteSpace(settings.ApiKey) ? null : settings.ApiKey;
        if (settings.GenerativeEnabled)
        {
            if (key is not null)
                builder.AddAzureOpenAIChatCompletion(settings.ChatDeployment!, endpoint, key, httpClient: client);
            else
                builder.AddAzureOpenAIChatCompletion(settings.ChatDeployment!, endpoint, new DefaultAzureCredential(), httpClient: client);
        }
        if (settings.EmbeddingsEnabled)
        {
#pragma warning disable SKEXP0010 // SK marks the IEmbeddingGenerator registration experimental; it is the M.E.AI interface our pipeline takes.
            if (key is not null)
                builder.AddAzureOpenAIEmbeddingGenerator(settings.EmbeddingDeployment!, endpoint, key, httpClient: client, dimensions: settings.EmbeddingDimensions);
            else
                builder.AddAzureOpenAIEmbeddingGenerator(settings.EmbeddingDeployment!, endpoint, new DefaultAzureCredential(), httpClient: client, dimensions: settings.EmbeddingDimensions);
#pragma warning restore SKEXP0010
        }
        Kernel = builder.Build();
    }

    public AzureOpenAISettings Settings { get; }

    public Kernel Kernel { get; }

    /// <summary>The embedding deployment as a generator whose model id names the deployment and its dimensions.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbedder() =>
        new DeploymentEmbeddingGenerator(Kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), Settings);

    public void Dispose() => _http.Dispose();

    private static void Configure(HttpStandardResilienceOptions o, AzureOpenAISettings s)
    {
        var attempt = TimeSpan.FromSeconds(s.TimeoutSeconds);
        o.AttemptTimeout.Timeout = attempt;
        o.Retry.MaxRetryAttempts = Math.Max(1, s.MaxRetries);
        o.Retry.ShouldRetryAfterHeader = true;
        o.Retry.BackoffType = DelayBackoffType.Exponential;
        o.Retry.Delay = TimeSpan.FromMilliseconds(500);
        o.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        if (s.MaxRetries == 0)
            o.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
        // Total: every attempt plus the longest back-off between them.
        o.TotalRequestTimeout.Timeout = attempt * (s.MaxRetries + 1) + TimeSpan.FromSeconds(10 * s.MaxRetries + 1);
        o.CircuitBreaker.MinimumThroughput = 5;
        o.CircuitBreaker.FailureRatio = 0.5;
        o.CircuitBreaker.SamplingDuration = attempt * 2 > TimeSpan.FromSeconds(30) ? attempt * 2 : TimeSpan.FromSeconds(30);
        o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
    }

    /// <summary>Names the deployment in the metadata, so an index records which model embedded it.</summary>
    private sealed class DeploymentEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, AzureOpenAISettings settings)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        private readonly EmbeddingGeneratorMetadata _metadata = new("azure-openai", new Uri(settings.Endpoint!), settings.EmbeddingModelId, settings.EmbeddingDimensions);

        public override object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : base.GetService(serviceType, serviceKey);

        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
            EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            // Our "purpose" marker is for local models; Azure embeds queries and passages alike.
            base.GenerateAsync(values, null, cancellationToken);
    }
}
