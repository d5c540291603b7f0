using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Assistant.Answering.Generative;

/// <summary>One sentence the model wrote and the numbers of the sources it says support it.</summary>
public sealed record ModelSentence
{
    [JsonPropertyName("text")] public string Text { get; init; } = "";
    [JsonPropertyName("sources")] public IReadOnlyList<int> Sources { get; init; } = [];
}

/// <summary>The model's verdict for one layer of a talking point.</summary>
public sealed record ModelFinding
{
    [JsonPropertyName("layer")] public string Layer { get; init; } = "";
    [JsonPropertyName("verdict")] public string Verdict { get; init; } = "";
    [JsonPropertyName("sources")] public IReadOnlyList<int> Sources { get; init; } = [];
}

/// <summary>The structured answer the prompts ask for; nothing in it is trusted until <see cref="AnswerVerifier"/> has checked it.</summary>
public sealed record ModelAnswer
{
    [JsonPropertyName("verdict")] public string? Verdict { get; init; }
    [JsonPropertyName("layers")] public IReadOnlyList<string> Layers { get; init; } = [];
    [JsonPropertyName("sentences")] public IReadOnlyList<ModelSentence> Sentences { get; init; } = [];
    [JsonPropertyName("findings")] public IReadOnlyList<ModelFinding> Findings { get; init; } = [];
    [JsonPropertyName("rephrasing")] public string? Rephrasing { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Parses the model's reply (tolerating a Markdown code fence around it).</summary>
    /// <exception cref="ModelOutputException">The reply is not the JSON object asked for.</exception>
    public static ModelAnswer Parse(string reply)
    {
        var json = Unfence(reply);
        try
        {
            return JsonSerializer.Deserialize<ModelAnswer>(json, Options) ?? throw new ModelOutputException("the model replied with JSON null");
        }
        catch (JsonException e)
        {
            throw new ModelOutputException($"the model's reply is not the JSON object asked for ({e.Message})");
        }
    }

    /// <summary>The sentences complete so far in a reply that is still being written (for streaming).</summary>
    public static IReadOnlyList<ModelSentence> CompletedSentences(string partialReply)
    {
        var bytes = Encoding.UTF8.GetBytes(Unfence(partialReply));
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: default);
        var found = new List<ModelSentence>();
        var inSentences = false;
        long start = -1;
        try
        {
            while (reader.Read())
            {
                if (!inSentences)
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("sentences"u8))
                        inSentences = true;
                    continue;
                }
                if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 2)
                    start = reader.TokenStartIndex;
                else if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 2 && start >= 0)
                {
                    var slice = bytes.AsSpan((int)start, (int)(reader.BytesConsumed - start));
                    found.Add(JsonSerializer.Deserialize<ModelSentence>(slice, Options)!);
                    start = -1;
                }
                else if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == 1)
                    break;
            }
        }
        catch (JsonException)
        {
            // Malformed so far: the final parse reports it.
        }
        return found;
    }

    internal static string Unfence(string reply)
    {
        var s = reply.Trim();
        if (!s.StartsWith("```", StringComparison.Ordinal))
            return s;
        var firstLine = s.IndexOf('\n');
        s = firstLine < 0 ? "" : s[(firstLine + 1)..];
        var fence = s.LastIndexOf("```", StringComparison.Ordinal);
        return fence >= 0 ? s[..fence] : s;
    }
}

/// <summary>The model's reply cannot be used: not JSON, a verdict outside the allowed set, or no supported sentence.</summary>
public sealed class ModelOutputException(string message) : Exception(message);
