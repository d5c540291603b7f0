using Assistant.Core;

namespace Assistant.Answering;

/// <summary>One earlier turn: what the user asked, how it was read, and what was answered.</summary>
public sealed record Turn(string Question, AnalyzedQuestion? Analysis = null, Answer? Answer = null);

/// <summary>Resolves follow-ups ("and what about…", "what else…", pronouns) against earlier turns.</summary>
public sealed class FollowUpResolver
{
    private const double ContextWeight = 0.35;

    private static readonly string[] EllipticalOpenings =
        ["and ", "what about ", "how about ", "and what about ", "and how about ", "what else", "anything else", "also ", "same for ", "then "];

    private static readonly HashSet<string> Pronouns = new(StringComparer.Ordinal)
    {
        "it", "its", "they", "them", "their", "theirs", "that", "this", "those", "these", "he", "she", "him", "her", "there", "same",
    };

    private static readonly HashSet<string> OtherThan = new(StringComparer.Ordinal) { "else", "other", "besides", "apart", "beyond", "otherwise" };

    /// <summary>Adds context from the last turn when <paramref name="current"/> leans on it; otherwise returns it unchanged.</summary>
    public AnalyzedQuestion Resolve(AnalyzedQuestion current, IReadOnlyList<Turn> history)
    {
        if (history.Count == 0)
            return current;
        var previous = history[^1];
        var previousTerms = previous.Analysis?.AllTerms.ToList() ?? [];
        if (previousTerms.Count == 0)
            return current;
        var folded = TextFolding.Fold(current.Text);
        var words = Terms.Words(current.Text).ToList();
        var elliptical = EllipticalOpenings.Any(o => folded.StartsWith(o, StringComparison.Ordinal));
        var pronoun = words.Any(Pronouns.Contains);
        var thin = current.Terms.Count(t => t.IsEntity) == 0 && current.Terms.Count <= 1;
        if (!elliptical && !pronoun && !thin)
            return current;

        var own = current.Terms.Select(t => t.Stem).ToHashSet();
        var context = previousTerms
            .Where(t => !own.Contains(t.Stem))
            .DistinctBy(t => t.Stem)
            .Select(t => t with { Weight = ContextWeight * Math.Min(1, t.Weight / ContextWeight) })
            .ToList();
        var avoid = words.Any(OtherThan.Contains) ? previous.Answer?.Layers ?? [] : [];
        return current with
        {
            ContextTerms = context,
            AvoidLayers = avoid,
            RetrievalText = current.Text + " " + string.Join(' ', context.Select(t => t.Surface)),
            Period = current.Period ?? previous.Analysis?.Period,
            FocusLayers = current.FocusLayers.Count > 0 ? current.FocusLayers : [],
        };
    }
}
