using System.Globalization;
using System.Text;
using Assistant.Core;

namespace Assistant.Hosting;

/// <summary>The review report of <c>assistant report</c>: unanswered questions, negative feedback with comments, most asked
/// questions — the same from either review log.</summary>
public static class ReviewReport
{
    /// <summary>A question as often as it was asked (grouped by its folded text), how often not covered, and when last asked.</summary>
    public sealed record AskedQuestion(string Question, int Asked, int Abstained, DateTimeOffset LastAt);

    /// <summary>Questions grouped by their folded text, most asked first.</summary>
    public static IReadOnlyList<AskedQuestion> MostAsked(IEnumerable<QuestionRecord> questions) => questions
        .GroupBy(q => TextFolding.Fold(q.Question).TrimEnd('?', '.', '!', ' '))
        .Select(g => new AskedQuestion(g.MaxBy(q => q.At)!.Question, g.Count(), g.Count(q => q.Abstained), g.Max(q => q.At)))
        .OrderByDescending(q => q.Asked)
        .ThenBy(q => q.Question, StringComparer.Ordinal)
        .ToList();

    /// <summary>The report as Markdown (<paramref name="format"/> "md") or CSV ("csv").</summary>
    public static async Task<string> RenderAsync(IReviewLog log, DateOnly? since, string format, CancellationToken ct = default)
    {
        var questions = MostAsked(await log.QuestionsAsync(since, ct).ConfigureAwait(false));
        var negative = (await log.FeedbackAsync(since, ct).ConfigureAwait(false)).Where(f => f.Reaction is "dislike" or "negative" or "thumbsdown").ToList();
        var unanswered = questions.Where(q => q.Abstained > 0).ToList();
        return format == "csv" ? Csv(questions, unanswered, negative) : Markdown(since, questions, unanswered, negative);
    }

    private static string Csv(IReadOnlyList<AskedQuestion> questions, List<AskedQuestion> unanswered, List<FeedbackRecord> negative)
    {
        var sb = new StringBuilder("section,question,count,comment,at\n");
        foreach (var q in unanswered)
            sb.Append(CultureInfo.InvariantCulture, $"unanswered,{Quote(q.Question)},{q.Abstained},,{q.LastAt:O}\n");
        foreach (var f in negative)
            sb.Append(CultureInfo.InvariantCulture, $"negative_feedback,{Quote(f.Question ?? "")},1,{Quote(f.Comment ?? "")},{f.At:O}\n");
        foreach (var q in questions.Take(20))
            sb.Append(CultureInfo.InvariantCulture, $"most_asked,{Quote(q.Question)},{q.Asked},,{q.LastAt:O}\n");
        return sb.ToString();
    }

    private static string Markdown(DateOnly? since, IReadOnlyList<AskedQuestion> questions, List<AskedQuestion> unanswered, List<FeedbackRecord> negative)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Review queue{(since is { } day ? $" since {Dates.Iso(day)}" : "")}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{questions.Sum(q => q.Asked)} questions, {unanswered.Sum(q => q.Abstained)} not covered, {negative.Count} negative feedback.\n\n");
        sb.Append("## Not covered by the sources\n\n");
        // Questions and comments are what anyone typed: shown as typed, never as links or HTML.
        sb.Append(unanswered.Count == 0 ? "None.\n" : string.Concat(unanswered.Select(q => $"- {MarkdownText.Escape(q.Question)} ({q.Abstained}×, last {Day(q.LastAt)})\n")));
        sb.Append("\n## Negative feedback\n\n");
        sb.Append(negative.Count == 0 ? "None.\n" : string.Concat(negative.Select(f => $"- {Day(f.At)} · {(f.Question is null ? "(unknown question)" : MarkdownText.Escape(f.Question))}{(f.Comment is null ? "" : $": \"{MarkdownText.Escape(f.Comment)}\"")}\n")));
        sb.Append("\n## Most asked\n\n| question | asked | not covered |\n| --- | --- | --- |\n");
        foreach (var q in questions.Take(20))
            sb.Append(CultureInfo.InvariantCulture, $"| {MarkdownText.Escape(q.Question)} | {q.Asked} | {q.Abstained} |\n");
        return sb.ToString();
    }

    private static string Day(DateTimeOffset at) => Dates.Iso(DateOnly.FromDateTime(at.UtcDateTime));

    /// <summary>A quoted CSV cell; text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading quote.</summary>
    internal static string Quote(string s)
    {
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            s = "'" + s;
        return "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
