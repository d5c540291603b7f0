namespace Assistant.Core;

/// <summary>The Azure OpenAI deployment behind the generative mode and (optionally) the embeddings; bound from "AzureOpenAI__*".</summary>
/// <remarks>Nothing is required: without an endpoint the assistant answers extractively with local embeddings.</remarks>
public sealed class AzureOpenAISettings
{
    public const string Section = "AzureOpenAI";

    /// <summary>https://NAME.openai.azure.com/ (http is accepted for loopback stand-ins only).</summary>
    public string? Endpoint { get; set; }

    /// <summary>The api-key; when empty, Entra ID through DefaultAzureCredential is used.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The chat model deployment that writes answers.</summary>
    public string? ChatDeployment { get; set; }

    /// <summary>An embedding deployment; when set, ingestion and queries embed with it instead of the local model.</summary>
    public string? EmbeddingDeployment { get; set; }

    /// <summary>Dimensions asked of the embedding deployment.</summary>
    public int EmbeddingDimensions { get; set; } = 1536;

    /// <summary>Timeout of one model call, in seconds.</summary>
    public double TimeoutSeconds { get; set; } = 20;

    /// <summary>Retries on 408/429/5xx and network errors (Retry-After is honoured).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Most tokens the model may write for one answer.</summary>
    public int MaxOutputTokens { get; set; } = 700;

    /// <summary>Most retrieved passages given to the model as numbered sources.</summary>
    public int MaxSources { get; set; } = 8;

    /// <summary>Also ask the model, in a second call (prompts/Assistant/CheckSupport), whether each sentence that passed the
    /// verifier's own checks is supported by its quotes; a sentence it does not confirm is dropped. Off by default.</summary>
    public bool SupportCheck { get; set; }

    public bool GenerativeEnabled => !string.IsNullOrWhiteSpace(Endpoint) && !string.IsNullOrWhiteSpace(ChatDeployment);

    public bool EmbeddingsEnabled => !string.IsNullOrWhiteSpace(Endpoint) && !string.IsNullOrWhiteSpace(EmbeddingDeployment);


    /// <summary>Checks every value; the message names the setting.</summary>
    public AzureOpenAISettings Validate()
    {
        var any = new[] { ApiKey, ChatDeployment, EmbeddingDeployment }.Any(v => !string.IsNullOrWhiteSpace(v));
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            if (any)
                throw new ArgumentException($"{Section}__Endpoint is not set, but other {Section}__* settings are; set it to https://NAME.openai.azure.com/");
            return this;
        }
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
            throw new ArgumentException($"{Section}__Endpoint must be an https URL (http only on loopback), not '{Endpoint}'");
        if (string.IsNullOrWhiteSpace(ChatDeployment) && string.IsNullOrWhiteSpace(EmbeddingDeployment))
            throw new ArgumentException($"{Section}__Endpoint is set but neither {Section}__ChatDeployment nor {Section}__EmbeddingDeployment is");
        Check(TimeoutSeconds is >= 0.1 and <= 600, "TimeoutSeconds", "between 0.1 and 600", TimeoutSeconds);
        Check(MaxRetries is >= 0 and <= 10, "MaxRetries", "between 0 and 10", MaxRetries);
        Check(MaxOutputTokens is >= 50 and <= 16_000, "MaxOutputTokens", "between 50 and 16000", MaxOutputTokens);
        Check(MaxSources is >= 1 and <= 20, "MaxSources", "between 1 and 20", MaxSources);
        Check(EmbeddingDimensions is >= 16 and <= 8192, "EmbeddingDimensions", "between 16 and 8192", EmbeddingDimensions);
        return this;
    }

    /// <summary>The model name an index records when built with the embedding deployment.</summary>
    public string EmbeddingModelId => $"azure-openai:{EmbeddingDeployment}:{EmbeddingDimensions}";

    private static void Check(bool ok, string key, string range, object value)
    {
        if (!ok)
            throw new ArgumentException($"{Section}__{key} must be {range}, not {value}");
    }
}
