using System.Text.Json;
using System.Text.Json.Serialization;
using Assistant.Answering;
using Assistant.Answering.Generative;
using Assistant.Core;
using Microsoft.Extensions.AI;

namespace Assistant.Cli.Evaluation;

/// <summary>One labelled model sentence: the sources the model was given (documents and a verbatim quote locating each
/// passage), what it wrote, the sources it cited, what kind of sentence it is and whether a verifier should keep it.</summary>
public sealed record VerifierItem
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("question")] public string Question { get; init; } = "";
    [JsonPropertyName("as_of")] public string? AsOf { get; init; }
    [JsonPropertyName("sources")] public required IReadOnlyList<VerifierSource> Sources { get; init; }
    [JsonPropertyName("text")] public required string Text { get; init; }
    [JsonPropertyName("cites")] public required IReadOnlyList<int> Cites { get; init; }
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("keep")] public required bool Keep { get; init; }

    private static readonly JsonSerializerOptions Options = new() { RespectRequiredConstructorParameters = true };

    /// <summary>Reads a JSONL file; a bad line is reported with its number and what is wrong.</summary>
    public static IReadOnlyList<VerifierItem> Load(string path) => Jsonl.Read(path, line =>
    {
        var item = JsonSerializer.Deserialize<VerifierItem>(line, Options) ?? throw new FormatException("the line is JSON null");
        if (item.Cites.Count == 0 || item.Cites.Any(c => c < 1 || c > item.Sources.Count))
            throw new FormatException($"'cites' must name sources 1 to {item.Sources.Count}");
        if (item.AsOf is not null)
            Dates.Parse(item.AsOf, "as_of");
        return item;
    });
}

/// <summary>A passage given to the model: the document and a sentence of it.</summary>
public sealed record VerifierSource([property: JsonPropertyName("doc")] string Doc, [property: JsonPropertyName("quote")] string Quote);

/// <summary>What the verifier did with one labelled sentence.</summary>
public sealed record VerifierGrade(VerifierItem Item, SupportResult Result)
{
    public bool Kept => Result.Supported;

    public bool Correct => Kept == Item.Keep;
}

/// <summary>How well the verifier tells supported sentences from fabrications: faithful sentences kept, fabrications
/// dropped, and how many of the drops were right.</summary>
public sealed record VerifierMetrics(
    [property: JsonPropertyName("items")] int Items,
    [property: JsonPropertyName("faithful_kept")] double FaithfulKept,
    [property: JsonPropertyName("fabrications_dropped")] double FabricationsDropped,
    [property: JsonPropertyName("drop_precision")] double DropPrecision,
    [property: JsonPropertyName("by_kind")] IReadOnlyList<VerifierKind> ByKind)
{
    public static VerifierMetrics From(IReadOnlyList<VerifierGrade> grades)
    {
        var keep = grades.Where(g => g.Item.Keep).ToList();
        var drop = grades.Where(g => !g.Item.Keep).ToList();
        var dropped = grades.Where(g => !g.Kept).ToList();
        return new VerifierMetrics(
            grades.Count,
            Share(keep.Count(g => g.Kept), keep.Count),
            Share(drop.Count(g => !g.Kept), drop.Count),
            Share(dropped.Count(g => !g.Item.Keep), dropped.Count),
            [.. grades.GroupBy(g => g.Item.Kind).Select(g => new VerifierKind(g.Key, g.First().Item.Keep, g.Count(), g.Count(x => x.Correct)))]);
    }

    private static double Share(int part, int whole) => whole == 0 ? 1 : Math.Round((double)part / whole, 3);
}

public sealed record VerifierKind(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("keep")] bool Keep,
    [property: JsonPropertyName("items")] int Items,
    [property: JsonPropertyName("correct")] int Correct);

/// <summary>Runs the verifier's sentence check (<see cref="SentenceSupport"/>) over labelled sentences, with the served
/// index's terms and passages and the configured embedder: what <c>assistant eval-verifier</c> prints.</summary>
public sealed class VerifierEvaluation(ServedIndex served, IEmbeddingGenerator<string, Embedding<float>> embedder)
{
    public async Task<IReadOnlyList<VerifierGrade>> RunAsync(IReadOnlyList<VerifierItem> items, CancellationToken ct = default)
    {
        var knowledge = served.Current.Knowledge;
        var grades = new List<VerifierGrade>();
        foreach (var item in items)
        {
            var passages = item.Sources.Select(s => knowledge.PassageOf(s.Doc, s.Quote)
                ?? throw new FormatException($"item {item.Id}: no indexed passage of '{s.Doc}' contains \"{s.Quote}\"")).ToList();
            var day = item.AsOf is null ? DateOnly.FromDateTime(DateTime.UtcNow) : Dates.Parse(item.AsOf, "as_of");
            var support = new SentenceSupport(knowledge, embedder, day);
            var result = await support.CheckAsync(item.Text, [.. item.Cites.Distinct().Select(c => passages[c - 1])], ct).ConfigureAwait(false);
            grades.Add(new VerifierGrade(item, result));
        }
        return grades;
    }
}
