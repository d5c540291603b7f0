using Assistant.Answering;
using Assistant.Answering.Generative;
using Assistant.Core;
using Azure.Identity;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Polly;

namespace Assistant.Hosting.AzureOpenAI;

/// <summary>The Azure OpenAI connector: a Semantic Kernel <see cref="Kernel"/> over the host's <see cref="IHttpClientFactory"/>
/// with Microsoft.Extensions.Http.Resilience's standard pipeline (per-call timeout, retries honouring Retry-After,
/// circuit breaker); key or Entra ID (DefaultAzureCredential) authentication.</summary>
public static class AzureOpenAIRegistration
{
    public const string HttpClientName = "azure-openai";

    public static IServiceCollection AddAzureOpenAIConnector(this IServiceCollection services)
    {
        // The translation handler sits outside the resilience pipeline, so it sees the pipeline's own exceptions.
        services.AddHttpClient(HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(() => new ResilienceErrorTranslation())
            .AddStandardResilienceHandler()
            .Configure((o, sp) => Configure(o, sp.GetRequiredService<IOptions<AzureOpenAISettings>>().Value));
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<AzureOpenAISettings>>().Value;
            var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            var builder = Kernel.CreateBuilder();
            if (sp.GetService<ILoggerFactory>() is { } loggers)
                builder.Services.AddSingleton(loggers);
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
            return builder.Build();
        });
        return services;
    }

    /// <summary>The embedding deployment as the embedder (ingestion and queries); the index records its name and dimensions.</summary>
    public static IServiceCollection AddAzureOpenAIEmbeddings(this IServiceCollection services)
    {
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new DeploymentEmbeddingGenerator(
            sp.GetRequiredService<Kernel>().GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetRequiredService<IOptions<AzureOpenAISettings>>().Value));
        return services;
    }

    /// <summary>Answers written by the chat deployment from the prompts folder's templates, verified, with the extractive
    /// answerer as the fallback; follow-ups rewritten by the model.</summary>
    public static IServiceCollection AddGenerativeAnswering(this IServiceCollection services)
    {
        services.AddSingleton(sp => GroundedPrompts.LoadAsync(sp.GetRequiredService<Kernel>(),
            sp.GetRequiredService<IOptions<AssistantSettings>>().Value.Prompts!, sp.GetRequiredService<LayerTaxonomy>()).GetAwaiter().GetResult());
        services.AddSingleton<IFollowUpResolver, ModelFollowUpResolver>();
        services.AddSingleton(sp => new GenerativeAnswerer(sp.GetRequiredService<IRetriever>(), sp.GetRequiredService<ExtractiveAnswerer>(),
            sp.GetRequiredService<IFollowUpResolver>(), sp.GetRequiredService<Kernel>(), sp.GetRequiredService<GroundedPrompts>(),
            sp.GetRequiredService<IOptions<AzureOpenAISettings>>().Value, sp.GetRequiredService<LayerTaxonomy>(),
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), sp.GetService<ILogger<GenerativeAnswerer>>()));
        services.AddSingleton<IAnswerer>(sp => sp.GetRequiredService<GenerativeAnswerer>());
        return services;
    }

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

    /// <summary>Turns the resilience pipeline's own refusals into the engine's <see cref="ModelUnavailableException"/>.</summary>
    private sealed class ResilienceErrorTranslation : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Polly.CircuitBreaker.BrokenCircuitException e)
            {
                throw new ModelUnavailableException("calls are paused after repeated failures", e);
            }
            catch (Polly.Timeout.TimeoutRejectedException e)
            {
                throw new ModelUnavailableException("the model service timed out", e);
            }
        }
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
