using Assistant.Core;

namespace Assistant.Answering;

/// <summary>A question as the engine answers it: the user's words, the words it borrows from earlier turns, and the
/// layers to step back from ("what else…").</summary>
/// <param name="Text">The question itself (or the standalone question a model rewrote it into).</param>
/// <param name="Context">Words of earlier turns the question leans on ("it", "and the Pentagon?"), weighed lower.</param>
public sealed record ResolvedQuestion(string Text, string Context = "")
{
    public IReadOnlyList<string> AvoidLayers { get; init; } = [];

    public static ResolvedQuestion Standalone(string text) => new(text);
}

/// <summary>One turn of a conversation, stored once when it is answered: what was asked, how it was read, what was answered.</summary>
/// <remarks>Every surface (CLI, API, Teams, Web Chat) keeps turns of this shape; history is never answered again.
/// A turn that only carries <see cref="Question"/> (history sent as plain questions) is resolved when it is needed.</remarks>
public sealed record ConversationTurn
{
    public required string Question { get; init; }

    /// <summary>How the question was read, once it has been answered.</summary>
    public ResolvedQuestion? Resolved { get; init; }

    public bool IsTalkingPoint { get; init; }

    public DateOnly? AsOf { get; init; }

    /// <summary>The verdict given, once answered.</summary>
    public string? Verdict { get; init; }

    /// <summary>Layers the answer spoke about.</summary>
    public IReadOnlyList<string> Layers { get; init; } = [];

    /// <summary>Ledger terms the question was matched to.</summary>
    public IReadOnlyList<string> Terms { get; init; } = [];

    /// <summary>Documents the answer cited.</summary>
    public IReadOnlyList<string> Documents { get; init; } = [];

    /// <summary>Turns of a conversation sent as plain questions (API <c>history</c>, CLI <c>--history</c>), oldest first.</summary>
    public static IReadOnlyList<ConversationTurn> FromQuestions(IEnumerable<string> questions) =>
        questions.Select(q => new ConversationTurn { Question = q }).ToList();

    /// <summary>The turn remembered for an answer.</summary>
    public static ConversationTurn Of(AskRequest request, ResolvedQuestion resolved, Answer answer, IReadOnlyList<string>? terms = null) => new()
    {
        Question = request.Question,
        Resolved = resolved,
        IsTalkingPoint = request.IsTalkingPoint,
        AsOf = request.AsOf,
        Verdict = answer.Verdict,
        Layers = answer.Layers,
        Terms = terms ?? [],
        Documents = answer.Citations.Select(c => c.DocId).Distinct().ToList(),
    };
}

/// <summary>Turns a follow-up ("and what about the Pentagon?", "does it…") into a question the engine can answer on its own.</summary>
/// <remarks>Two implementations: <see cref="RuleBasedFollowUpResolver"/> (words of the last turn, no model) and, in
/// generative mode, a Semantic Kernel prompt that rewrites the follow-up (with the rule-based one as its fallback).</remarks>
public interface IFollowUpResolver
{
    Task<ResolvedQuestion> ResolveAsync(string question, IReadOnlyList<ConversationTurn> history, CancellationToken ct = default);
}

/// <summary>Resolves follow-ups from the words of the last turn: an elliptical opening, a pronoun or a question too thin
/// to stand alone borrows the last turn's words; "what else" steps back from the layers the last turn was about.</summary>
public sealed class RuleBasedFollowUpResolver(LayerTaxonomy taxonomy) : IFollowUpResolver
{
    /// <summary>Earlier turns looked at: a follow-up leans on the last one, which may lean on the one before.</summary>
    public const int Depth = 4;

    private static readonly string[] EllipticalOpenings =
        ["and ", "what about ", "how about ", "and what about ", "and how about ", "what else", "anything else", "also ", "same for ", "then ", "ok and ", "ok so ", "so "];

    private static readonly HashSet<string> Pronouns = new(StringComparer.Ordinal)
    {
        "it", "its", "they", "them", "their", "theirs", "that", "this", "those", "these", "he", "she", "him", "her", "there", "same",
    };

    private static readonly HashSet<string> OtherThan = new(StringComparer.Ordinal) { "else", "other", "besides", "apart", "beyond", "otherwise" };

    public Task<ResolvedQuestion> ResolveAsync(string question, IReadOnlyList<ConversationTurn> history, CancellationToken ct = default) =>
        Task.FromResult(Resolve(question, history));

    public ResolvedQuestion Resolve(string question, IReadOnlyList<ConversationTurn> history)
    {
        if (history.Count == 0)
            return ResolvedQuestion.Standalone(question);
        var previous = history[^1].Resolved ?? Resolve(history[^1].Question, history.Take(history.Count - 1).TakeLast(Depth - 1).ToList());
        var folded = TextFolding.Fold(question);
        var words = Terms.Words(question).ToList();
        var elliptical = EllipticalOpenings.Any(o => folded.StartsWith(o, StringComparison.Ordinal));
        var pronoun = words.Select((w, i) => (w, i)).Any(x => Pronouns.Contains(x.w) && Refers(words, x.i, question));
        var thin = words.Count(w => !Terms.IsStopWord(w)) <= 2;
        if (!elliptical && !pronoun && !thin)
            return ResolvedQuestion.Standalone(question);
        var context = string.Join(' ', new[] { previous.Text, previous.Context }.Where(s => s.Length > 0));
        var avoid = words.Any(OtherThan.Contains) ? FocusLayers(context) : [];
        return new ResolvedQuestion(question, context) { AvoidLayers = avoid };
    }

    /// <summary>Whether the pronoun at <paramref name="i"/> points back at an earlier turn: not "that" after a verb of saying
    /// ("stated that the…"), nor "its"/"their" when the question names someone of its own ("Microsoft … its Azure
    /// exclusivity").</summary>
    private static bool Refers(List<string> words, int i, string question) => words[i] switch
    {
        "that" => i == 0 || !Saying.Contains(words[i - 1]),
        "its" or "their" or "theirs" => !NamesItsOwn(question),
        _ => true,
    };

    private static readonly HashSet<string> Saying = new(StringComparer.Ordinal)
    {
        "say", "says", "said", "state", "states", "stated", "claim", "claims", "claimed", "report", "reports", "reported", "confirm", "confirms",
        "confirmed", "announce", "announces", "announced", "argue", "argues", "argued", "think", "thinks", "believe", "believes", "know", "knows", "mean", "means",
    };

    /// <summary>A capitalised word after the first: the question names someone of its own.</summary>
    private static bool NamesItsOwn(string question) =>
        question.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Any(w => w.Length > 1 && char.IsUpper(w[0]));

    /// <summary>Layers a text names with a strong cue.</summary>
    private IReadOnlyList<string> FocusLayers(string text)
    {
        var words = Terms.Words(text).ToList();
        return taxonomy.Layers.Where(l => l.Strong.Any(words)).Select(l => l.Id).ToList();
    }
}
