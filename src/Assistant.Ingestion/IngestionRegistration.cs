using Assistant.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Assistant.Ingestion;

/// <summary>Registers the ingestion pipeline (corpus folder → chunks → embeddings → index) and the local ONNX embedder.</summary>
public static class IngestionRegistration
{
    /// <summary>The pipeline over <c>Assistant__Corpus</c>; it needs an <see cref="IIndexStore"/> and an embedder registered beside it.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddSingleton(sp => new CorpusReader(sp.GetRequiredService<IOptions<AssistantSettings>>().Value.Corpus!));
        services.AddSingleton(sp => new Chunker(sp.GetRequiredService<LayerTagger>()));
        services.AddSingleton<IngestionPipeline>();
        return services;
    }

    /// <summary>The local ONNX model named by <c>Assistant__EmbeddingModel</c> (arctic-xs or minilm); loaded on first use.</summary>
    public static IServiceCollection AddLocalEmbeddings(this IServiceCollection services)
    {
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            new LocalEmbeddingGenerator(sp.GetRequiredService<IOptions<AssistantSettings>>().Value.EmbeddingModel));
        return services;
    }
}
