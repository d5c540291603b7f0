using System.Text.Json;
using System.Text.Json.Serialization;

namespace Assistant.Core;

/// <summary>Verdict vocabulary of the answer contract.</summary>
public static class Verdicts
{
    public const string Yes = "yes";
    public const string No = "no";
    public const string Partly = "partly";
    public const string Info = "info";
    public const string Supported = "supported";
    public const string Contradicted = "contradicted";
    public const string Outdated = "outdated";
    public const string NotCovered = "not_covered";

    public static readonly IReadOnlySet<string> ForQuestions = new HashSet<string> { Yes, No, Partly, Info, NotCovered };
    public static readonly IReadOnlySet<string> ForTalkingPoints = new HashSet<string> { Supported, Contradicted, Partly, Outdated, NotCovered };

    /// <summary>+1 for a verdict that says the claim holds (yes, supported), -1 for one that says it does not (no,
    /// contradicted, outdated), 0 otherwise. Opposite polarities are the worst mistake an answer can make.</summary>
    public static int Polarity(string verdict) => verdict switch
    {
        Yes or Supported => 1,
        No or Contradicted or Outdated => -1,
        _ => 0,
    };
}

/// <summary>One numbered source of an answer; <see cref="Quote"/> occurs verbatim in <see cref="Path"/>.</summary>
public sealed record Citation
{
    [JsonPropertyName("n")] public required int N { get; init; }
    [JsonPropertyName("doc_id")] public required string DocId { get; init; }
    [JsonPropertyName("title")] public required string Title { get; init; }
    [JsonPropertyName("path")] public required string Path { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("date")] public required string Date { get; init; }
    [JsonPropertyName("confidence")] public required string Confidence { get; init; }
    [JsonPropertyName("section")] public string? Section { get; init; }
    [JsonPropertyName("layer")] public string? Layer { get; init; }
    [JsonPropertyName("quote")] public required string Quote { get; init; }
    [JsonPropertyName("passage")] public required string Passage { get; init; }

    /// <summary>Citation <paramref name="n"/> of <paramref name="quote"/>, a sentence of <paramref name="passage"/>.</summary>
    public static Citation Of(int n, Passage passage, string quote, string? layer) => new()
    {
        N = n,
        DocId = passage.Document.Id,
        Title = passage.Document.Title,
        Path = passage.Document.Path,
        Url = passage.Document.Url,
        Date = Dates.Iso(passage.Document.Date),
        Confidence = passage.Document.Confidence.ToString().ToLowerInvariant(),
        Section = string.IsNullOrEmpty(passage.Chunk.Section) ? null : passage.Chunk.Section,
        Layer = layer,
        Quote = quote,
        Passage = passage.Chunk.Text,
    };
}

/// <summary>The verdict for one layer of a talking point or question, with the citations behind it.</summary>
public sealed record LayerFinding
{
    [JsonPropertyName("layer")] public required string Layer { get; init; }
    [JsonPropertyName("verdict")] public required string Verdict { get; init; }
    [JsonPropertyName("citations")] public required IReadOnlyList<int> Citations { get; init; }
}

/// <summary>An answer as the contract in shared/eval/README.md defines it.</summary>
public sealed record Answer
{
    [JsonPropertyName("id")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Id { get; init; }
    [JsonPropertyName("question")] public required string Question { get; init; }
    [JsonPropertyName("answer")] public required string Text { get; init; }
    [JsonPropertyName("verdict")] public required string Verdict { get; init; }
    [JsonPropertyName("abstained")] public bool Abstained { get; init; }
    [JsonPropertyName("mode")] public string Mode { get; init; } = "extractive";
    [JsonPropertyName("layers")] public IReadOnlyList<string> Layers { get; init; } = [];
    [JsonPropertyName("citations")] public IReadOnlyList<Citation> Citations { get; init; } = [];
    [JsonPropertyName("follow_ups")] public IReadOnlyList<string> FollowUps { get; init; } = [];
    [JsonPropertyName("as_of")] public string? AsOf { get; init; }
    [JsonPropertyName("findings")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<LayerFinding>? Findings { get; init; }
    [JsonPropertyName("rephrasing")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Rephrasing { get; init; }

    /// <summary>The ids of the terms (corpus/terms.yaml) the answer reads, when it was decided by the terms ledger.</summary>
    [JsonPropertyName("terms")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Terms { get; init; }
    /// <summary>Sentences the model wrote that the verifier did not show, and why (generative mode; never shown in chat).</summary>
    [JsonPropertyName("dropped")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<DroppedSentence>? Dropped { get; init; }
    [JsonPropertyName("notice")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Notice { get; init; }
    [JsonPropertyName("tokens")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public TokenUsage? Tokens { get; init; }
    [JsonPropertyName("latency_ms")] public double LatencyMs { get; init; }
}

/// <summary>A sentence the model wrote that was not shown: why (a code such as "unsupported_name" or "contradicts_terms"),
/// the sentence, and the detail in plain words.</summary>
public sealed record DroppedSentence(
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("detail")] string Detail);

/// <summary>Tokens a generative answer used, as the model service reported them.</summary>
public sealed record TokenUsage(
    [property: JsonPropertyName("prompt")] int Prompt,
    [property: JsonPropertyName("completion")] int Completion);

/// <summary>JSON options for answers: contract field names, readable Unicode.</summary>
public static class AnswerJson
{
    public static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonSerializerOptions Indented = new(Compact) { WriteIndented = true };
}
