using Microsoft.Extensions.AI;

namespace Assistant.Core;

/// <summary>Embedding purposes: some models embed a search query differently from a passage.</summary>
public static class EmbeddingPurpose
{
    public const string Key = "purpose";

    public static readonly EmbeddingGenerationOptions Query = new() { AdditionalProperties = new() { [Key] = "query" } };

    public static bool IsQuery(EmbeddingGenerationOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Key, out var v) == true && Equals(v, "query");
}
