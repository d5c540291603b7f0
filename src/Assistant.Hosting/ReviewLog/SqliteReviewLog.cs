using System.Globalization;
using Assistant.Core;
using Microsoft.Data.Sqlite;

namespace Assistant.Hosting;

/// <summary>The review log in the host's SQLite file (bot.db beside the index): one host, no server. Every write is committed
/// before it returns.</summary>
public sealed class SqliteReviewLog : IReviewLog
{
    private readonly string _connectionString;

    public SqliteReviewLog(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = DurableSqlite.Create(Path, """
            CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, at TEXT NOT NULL, conversation TEXT NOT NULL, reaction TEXT NOT NULL,
                comment TEXT, question TEXT, answer TEXT);
            CREATE TABLE IF NOT EXISTS questions (id INTEGER PRIMARY KEY, at TEXT NOT NULL, channel TEXT NOT NULL, question TEXT NOT NULL,
                verdict TEXT NOT NULL, abstained INTEGER NOT NULL);
            """);
    }

    public string Path { get; }

    public string Description => $"SQLite file {Path}";

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

    public async Task AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct = default)
    {
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO feedback (at, conversation, reaction, comment, question, answer) VALUES ($at, $c, $r, $m, $q, $a)";
        cmd.Parameters.AddWithValue("$at", feedback.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$c", feedback.ConversationId);
        cmd.Parameters.AddWithValue("$r", feedback.Reaction);
        cmd.Parameters.AddWithValue("$m", (object?)feedback.Comment ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$q", (object?)feedback.Question ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$a", (object?)feedback.Answer ?? DBNull.Value);
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
                r.IsDBNull(3) ? null : r.GetString(3), At(r.GetString(4)), r.GetString(5)));
        }
        return list;
    }

    public async Task<IReadOnlyList<QuestionRecord>> QuestionsAsync(DateOnly? since = null, CancellationToken ct = default)
    {
        var list = new List<QuestionRecord>();
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT at, channel, question, verdict, abstained FROM questions WHERE at >= $since ORDER BY id";
        cmd.Parameters.AddWithValue("$since", Since(since));
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            list.Add(new QuestionRecord(At(r.GetString(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4) != 0));
        return list;
    }

    // Times are stored as UTC ISO 8601 text, so a day compares as a prefix.
    private static string Since(DateOnly? since) => since is { } d ? Dates.Iso(d) : "";

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private SqliteConnection Open() => DurableSqlite.Open(_connectionString);
}
