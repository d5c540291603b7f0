using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Assistant.Core.Ledger;

/// <summary>What a term's state says about its proposition from the state's date on.</summary>
public enum TermStatus
{
    /// <summary>It holds.</summary>
    InForce,

    /// <summary>It no longer holds (it did before).</summary>
    Ended,

    /// <summary>Announced, not yet in effect or available.</summary>
    Announced,

    /// <summary>Claimed, unconfirmed (a single outlet, or low-confidence sources only).</summary>
    Reported,

    /// <summary>Sources disagree.</summary>
    Disputed,

    /// <summary>A source says it does not hold (yet): the deal "does not cover" it, a party "was not among" those named.</summary>
    NotInForce,
}

/// <summary>A verbatim quote from a corpus document that backs a state.</summary>
public sealed record TermSource(
    [property: JsonPropertyName("doc")] string Doc,
    [property: JsonPropertyName("quote")] string Quote);

/// <summary>One dated state of a term: its status from <see cref="From"/> until the next state.</summary>
public sealed record TermState
{
    [JsonPropertyName("status")] public required TermStatus Status { get; init; }
    [JsonPropertyName("from")] public required DateOnly From { get; init; }
    [JsonPropertyName("replaced_by")] public string? ReplacedBy { get; init; }

    /// <summary>Who reports it (reported states).</summary>
    [JsonPropertyName("by")] public string? By { get; init; }

    /// <summary>Amounts as written ("$50 billion", "27%", "2032"); empty = the figures of the state before.</summary>
    [JsonPropertyName("figures")] public IReadOnlyList<string> Figures { get; init; } = [];

    [JsonPropertyName("sources")] public required IReadOnlyList<TermSource> Sources { get; init; }

    /// <summary>A proposition that holds in this state.</summary>
    [JsonIgnore] public bool Holds => Status == TermStatus.InForce;
}

/// <summary>One proposition of the partnership's terms, with its dated states (a temporal edge in Graphiti's sense).</summary>
public sealed record Term
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("layer")] public required string Layer { get; init; }

    /// <summary>The proposition in positive form, in plain words.</summary>
    [JsonPropertyName("statement")] public required string Statement { get; init; }

    /// <summary>Other ways people state the same proposition.</summary>
    [JsonPropertyName("phrasings")] public IReadOnlyList<string> Phrasings { get; init; } = [];

    [JsonPropertyName("parties")] public IReadOnlyList<string> Parties { get; init; } = [];

    /// <summary>The clouds it places something on; "any" for any cloud.</summary>
    [JsonPropertyName("platforms")] public IReadOnlyList<string> Platforms { get; init; } = [];

    /// <summary>In date order, strictly increasing.</summary>
    [JsonPropertyName("states")] public required IReadOnlyList<TermState> States { get; init; }

    /// <summary>The statement and the phrasings: the texts matched against a question.</summary>
    [JsonIgnore] public IEnumerable<string> Texts => Phrasings.Prepend(Statement);

    /// <summary>The state on <paramref name="day"/>, or null before the first one.</summary>
    public TermState? StateOn(DateOnly day) => States.LastOrDefault(s => s.From <= day);

    /// <summary>The states up to <paramref name="day"/>, oldest first.</summary>
    public IEnumerable<TermState> History(DateOnly day) => States.TakeWhile(s => s.From <= day);

    /// <summary>Whether the proposition held at some point up to <paramref name="day"/>.</summary>
    public bool HeldBy(DateOnly day) => History(day).Any(s => s.Holds);

    /// <summary>The figures in effect in <paramref name="state"/> (its own, or those of the latest earlier state that has any).</summary>
    public IReadOnlyList<string> FiguresOf(TermState state) =>
        States.TakeWhile(s => s.From <= state.From).Reverse().FirstOrDefault(s => s.Figures.Count > 0)?.Figures ?? [];

    /// <summary>The first state after <paramref name="day"/>, if the proposition changes later.</summary>
    public TermState? NextAfter(DateOnly day) => States.FirstOrDefault(s => s.From > day);
}

/// <summary>The partnership's terms as data (corpus/terms.yaml): a small set of propositions with dated states.</summary>
public sealed class TermsLedger
{
    public static readonly TermsLedger Empty = new([]);

    public static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public TermsLedger(IReadOnlyList<Term> terms)
    {
        Terms = terms;
        ById = terms.GroupBy(t => t.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(terms, Json))));
    }

    public IReadOnlyList<Term> Terms { get; }

    public IReadOnlyDictionary<string, Term> ById { get; }

    /// <summary>A hash of the whole ledger: an index re-embeds the terms only when it changes.</summary>
    public string Hash { get; }

    /// <summary>The terms whose state on <paramref name="day"/> is <paramref name="status"/> (in force by default).</summary>
    public IEnumerable<Term> On(DateOnly day, TermStatus status = TermStatus.InForce) =>
        Terms.Where(t => t.StateOn(day)?.Status == status);

    public static string Serialize(Term term) => JsonSerializer.Serialize(term, Json);

    public static Term Deserialize(string json) => JsonSerializer.Deserialize<Term>(json, Json)!;
}
