using System.Globalization;
using System.Text;
using Assistant.Core;
using Microsoft.Data.Sqlite;

namespace Assistant.Hosting;

/// <summary>One feedback reaction, with the question and answer it is about.</summary>
public sealed record FeedbackRecord(string Reaction, string? Comment, string? Question, string? Answer, DateTimeOffset At, string ConversationId);

/// <summary>The content owners' review queue: what was asked (and abstained on) and the feedback given, in one SQLite file.</summary>
/// <remarks>The bot host writes it (data/bot.db beside the index); `assistant report` reads it. Every write is committed before it returns.</remarks>
public sealed class ReviewLog
{
    private readonly string _connectionString;

    public ReviewLog(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = DurableSqlite.ConnectionString(Path);
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, at TEXT NOT NULL, conversation TEXT NOT NULL, reaction TEXT NOT NULL,
                comment TEXT, question TEXT, answer TEXT);
            CREATE TABLE IF NOT EXISTS questions (id INTEGER PRIMARY KEY, at TEXT NOT NULL, channel TEXT NOT NULL, question TEXT NOT NULL,
                verdict TEXT NOT NULL, abstained INTEGER NOT NULL);
            """;
        cmd.ExecuteNonQuery();
    }

    public string Path { get; }

    /// <summary>Where the host keeps it: bot.db in the index's folder.</summary>
    public static string DefaultPath(AssistantSettings settings) => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(settings.Index!)!, "bot.db");

    public async Task AddQuestionAsync(string channel, Answer answer, CancellationToken ct = default)
    {
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO questions (at, channel, question, verdict, abstained) VALUES ($at, $c, $q, $v, $a)";
        cmd.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$c", channel);
        cmd.Parameters.AddWithValue("$q", answer.Question);
        cmd.Parameters.AddWithValue("$v", answer.Verdict);
        cmd.Parameters.AddWithValue("$a", answer.Abstained ? 1 : 0);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task AddFeedbackAsync(FeedbackRecord f, CancellationToken ct = default)
    {
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO feedback (at, conversation, reaction, comment, question, answer) VALUES ($at, $c, $r, $m, $q, $a)";
        cmd.Parameters.AddWithValue("$at", f.At.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$c", f.ConversationId);
        cmd.Parameters.AddWithValue("$r", f.Reaction);
        cmd.Parameters.AddWithValue("$m", (object?)f.Comment ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$q", (object?)f.Question ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$a", (object?)f.Answer ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<FeedbackRecord>> FeedbackAsync(DateOnly? since = null, CancellationToken ct = default)
    {
        var list = new List<FeedbackRecord>();
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT reaction, comment, question, answer, at, conversation FROM feedback WHERE at >= $since ORDER BY id";
        cmd.Parameters.AddWithValue("$since", Since(since));
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new FeedbackRecord(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3), DateTimeOffset.Parse(r.GetString(4), CultureInfo.InvariantCulture), r.GetString(5)));
        }
        return list;
    }

    /// <summary>Questions grouped by their folded text: how often asked, and how often not covered.</summary>
    public async Task<IReadOnlyList<(string Question, int Asked, int Abstained, string LastAt)>> QuestionsAsync(DateOnly? since = null, CancellationToken ct = default)
    {
        var rows = new List<(string Question, bool Abstained, string At)>();
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT question, abstained, at FROM questions WHERE at >= $since";
        cmd.Parameters.AddWithValue("$since", Since(since));
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            rows.Add((r.GetString(0), r.GetInt32(1) != 0, r.GetString(2)));
        return rows
            .GroupBy(x => TextFolding.Fold(x.Question).TrimEnd('?', '.', '!', ' '))
            .Select(g => (g.OrderByDescending(x => x.At, StringComparer.Ordinal).First().Question, g.Count(), g.Count(x => x.Abstained), g.Max(x => x.At)!))
            .OrderByDescending(x => x.Item2)
            .ThenBy(x => x.Question, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The review report: unanswered questions, negative feedback with comments, most asked questions.</summary>
    public async Task<string> ReportAsync(DateOnly? since, string format, CancellationToken ct = default)
    {
        var questions = await QuestionsAsync(since, ct).ConfigureAwait(false);
        var negative = (await FeedbackAsync(since, ct).ConfigureAwait(false)).Where(f => f.Reaction is "dislike" or "negative" or "thumbsdown").ToList();
        var unanswered = questions.Where(q => q.Abstained > 0).ToList();
        var sb = new StringBuilder();
        if (format == "csv")
        {
            sb.Append("section,question,count,comment,at\n");
            foreach (var q in unanswered)
                sb.Append(CultureInfo.InvariantCulture, $"unanswered,{Csv(q.Question)},{q.Abstained},,{q.LastAt}\n");
            foreach (var f in negative)
                sb.Append(CultureInfo.InvariantCulture, $"negative_feedback,{Csv(f.Question ?? "")},1,{Csv(f.Comment ?? "")},{f.At:O}\n");
            foreach (var q in questions.Take(20))
                sb.Append(CultureInfo.InvariantCulture, $"most_asked,{Csv(q.Question)},{q.Asked},,{q.LastAt}\n");
            return sb.ToString();
        }
        sb.Append(CultureInfo.InvariantCulture, $"# Review queue{(since is { } day ? $" since {Dates.Iso(day)}" : "")}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{questions.Sum(q => q.Asked)} questions, {unanswered.Sum(q => q.Abstained)} not covered, {negative.Count} negative feedback.\n\n");
        sb.Append("## Not covered by the sources\n\n");
        // Questions and comments are what anyone typed: shown as typed, never as links or HTML.
        sb.Append(unanswered.Count == 0 ? "None.\n" : string.Concat(unanswered.Select(q => $"- {MarkdownText.Escape(q.Question)} ({q.Abstained}×, last {q.LastAt[..10]})\n")));
        sb.Append("\n## Negative feedback\n\n");
        sb.Append(negative.Count == 0 ? "None.\n" : string.Concat(negative.Select(f => $"- {Dates.Iso(DateOnly.FromDateTime(f.At.UtcDateTime))} · {(f.Question is null ? "(unknown question)" : MarkdownText.Escape(f.Question))}{(f.Comment is null ? "" : $": \"{MarkdownText.Escape(f.Comment)}\"")}\n")));
        sb.Append("\n## Most asked\n\n| question | asked | not covered |\n| --- | --- | --- |\n");
        foreach (var q in questions.Take(20))
            sb.Append(CultureInfo.InvariantCulture, $"| {MarkdownText.Escape(q.Question)} | {q.Asked} | {q.Abstained} |\n");
        return sb.ToString();
    }

    private static string Since(DateOnly? since) => since is { } d ? Dates.Iso(d) : "";

    /// <summary>A quoted CSV cell; text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading quote.</summary>
    internal static string Csv(string s)
    {
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            s = "'" + s;
        return "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private SqliteConnection Open() => DurableSqlite.Open(_connectionString);
}
