using System.Text.Json;
using Assistant.Core;

namespace Assistant.Retrieval;

/// <summary>How every store writes a chunk's sentence spans: JSON with layer ids in order, the sentence's main layer first.</summary>
internal static class ChunkEncoding
{
    public static string SentencesJson(IReadOnlyList<SentenceSpan> sentences) => JsonSerializer.Serialize(sentences);

    public static IReadOnlyList<SentenceSpan> ParseSentences(string json) => JsonSerializer.Deserialize<List<SentenceSpan>>(json)!;
}
