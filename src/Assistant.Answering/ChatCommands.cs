using Assistant.Core;

namespace Assistant.Answering;

/// <summary>What a chat line asks for: a question, a talking point to check, or a command.</summary>
public enum ChatCommandKind
{
    Ask,
    Check,
    AsOf,
    Sources,
    Reset,
    Help,
    Quit,
    Unknown,
}

/// <summary>One chat line read as a command; the CLI's <c>chat</c>, Teams and Web Chat share this parser.</summary>
/// <remarks>To add a command: a kind above, a case in <see cref="Parse"/>, a line in <see cref="Help"/>, and its handling
/// in each surface's switch over <see cref="ChatCommandKind"/> (the compiler's exhaustiveness warning lists them).</remarks>
/// <param name="Text">The question or statement (Ask, Check), or the command as typed (Unknown).</param>
public sealed record ChatCommand(ChatCommandKind Kind, string Text = "")
{
    /// <summary>For AsOf: the day, or null for "today" (<c>/asof off</c>).</summary>
    public DateOnly? Day { get; init; }

    /// <summary>Why the command cannot be used as typed (a bad date, a /check without a statement), or null.</summary>
    public string? Problem { get; init; }

    public static readonly IReadOnlyList<(string Usage, string What)> Help =
    [
        ("/check STATEMENT", "check a talking point (supported, contradicted, partly, outdated or not covered)"),
        ("/asof YYYY-MM-DD", "answer as the sources stood on that day (/asof off to clear)"),
        ("/sources", "the documents I answer from"),
        ("/reset", "forget this conversation"),
        ("/help", "this list"),
    ];

    public static ChatCommand Parse(string line)
    {
        var text = line.Trim();
        if (!text.StartsWith('/'))
            return new(ChatCommandKind.Ask, text);
        var space = text.IndexOfAny([' ', '\t', '\n']);
        var (name, argument) = space > 0 ? (text[..space].ToLowerInvariant(), text[(space + 1)..].Trim()) : (text.ToLowerInvariant(), "");
        return name switch
        {
            "/check" when argument.Length == 0 => new(ChatCommandKind.Check) { Problem = "Give me the statement to check, for example: /check OpenAI's core models run only on Azure." },
            "/check" => new(ChatCommandKind.Check, argument),
            "/asof" when argument is "" or "off" => new(ChatCommandKind.AsOf),
            "/asof" when Dates.TryParse(argument, out var day) => new(ChatCommandKind.AsOf) { Day = day },
            "/asof" => new(ChatCommandKind.AsOf, argument) { Problem = "That is not a date I can use; write it as YYYY-MM-DD, for example /asof 2026-03-01." },
            "/sources" => new(ChatCommandKind.Sources),
            "/reset" => new(ChatCommandKind.Reset),
            "/help" or "/?" => new(ChatCommandKind.Help),
            "/quit" or "/exit" => new(ChatCommandKind.Quit),
            _ => new(ChatCommandKind.Unknown, name),
        };
    }
}

/// <summary>The one check of a question's text before it is answered, used by every surface.</summary>
public static class QuestionValidator
{
    /// <summary>Why <paramref name="text"/> cannot be answered (empty, too long), or null.</summary>
    public static string? Problem(string? text, int maxLength)
    {
        var q = text?.Trim() ?? "";
        if (q.Length == 0)
            return "The question is empty.";
        return q.Length > maxLength
            ? $"The question is {q.Length} characters long; the limit is {maxLength} characters (Assistant__MaxQuestionLength)."
            : null;
    }
}
