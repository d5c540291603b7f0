using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Assistant.Tests.Support;

/// <summary>A deterministic bag-of-words embedder for fast pipeline tests; counts its calls.</summary>
internal sealed class HashingEmbedder(string model = "hashing-test", int dimensions = 64) : IEmbeddingGenerator<string, Embedding<float>>
{
    public int Embedded { get; private set; }

    public Func<string, bool>? FailOn { get; set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var v in values)
        {
            if (FailOn?.Invoke(v) == true)
                throw new InvalidOperationException("embedding failed on purpose");
            Embedded++;
            var vector = new float[dimensions];
            foreach (var w in Assistant.Core.Terms.Content(v))
                vector[(int)((uint)w.GetHashCode(StringComparison.Ordinal) % dimensions)] += 1;
            var norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(vector));
            if (norm > 0)
                TensorPrimitives.Divide(vector, norm, vector);
            result.Add(new Embedding<float>(vector));
        }
        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, model, dimensions) : null;

    public void Dispose()
    {
    }
}
