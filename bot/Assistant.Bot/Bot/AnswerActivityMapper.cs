using System.Text;
using Assistant.Bot.Pages;
using Assistant.Core;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;

namespace Assistant.Bot.Bot;

/// <summary>The client a reply is for: Teams shows a citation's link; Web Chat opens a pop-up with the quote.</summary>
public enum ReplySurface
{
    Teams,
    WebChat,
}

/// <summary>Where a reply goes and what it may link to.</summary>
public sealed record ReplyContext
{
    public ReplySurface Surface { get; init; } = ReplySurface.Teams;

    /// <summary>The host as the user's client reaches it: source pages and the terms page are linked from it; null = no such links.</summary>
    public Uri? Host { get; init; }

    /// <summary>Names the reply in the feedback Web Chat sends back (its like and dislike actions carry it).</summary>
    public string? ReplyKey { get; init; }

    /// <summary>The conversation's "as of" day, kept when linking to the terms page.</summary>
    public string? AsOf { get; init; }

    /// <summary>A layer's name, for the talking-point card.</summary>
    public Func<string, string> LayerName { get; init; } = id => id;

    /// <summary>An absolute link to a host page, or null when the host is not known.</summary>
    public string? Link(string path) => Host is null ? null : new Uri(Host, path).AbsoluteUri;

    /// <summary>The source page of a citation's document with its quote highlighted.</summary>
    public string? SourcePage(Citation c) => Link(SourcePages.Link(c.DocId, c.Quote));
}

/// <summary>
/// The one place an <see cref="Answer"/> becomes a Bot Framework <see cref="Activity"/>: Markdown text with [n]
/// markers, the citation entity (schema.org Message with Claims whose pop-up shows the quote), the AI-generated label,
/// feedback (Teams' feedback loop, Web Chat's like and dislike actions), a link to how the terms changed, follow-up
/// suggestions, and talking-point checks as an Adaptive Card. A move to another bot SDK changes this class, not the answer logic.
/// </summary>
public static partial class AnswerActivityMapper
{
    /// <summary>Teams' limits for citations.</summary>
    public const int MaxCitations = 20;
    public const int MaxNameLength = 80;
    public const int MaxAbstractLength = 160;
    public const int MaxKeywords = 3;
    public const int MaxKeywordLength = 28;

    /// <summary>Terms linked under an answer ("How this changed").</summary>
    public const int MaxTermLinks = 3;

    public static Activity ToActivity(Answer answer, ReplyContext? context = null)
    {
        context ??= new ReplyContext();
        var notice = answer.Notice is null ? "" : $"_{answer.Notice}_\n\n";
        var activity = MessageFactory.Text(notice + answer.Text + HowThisChanged(answer, context) + LinkDefinitions(answer, context));
        activity.TextFormat = TextFormatTypes.Markdown;
        activity.Entities = [MessageEntity(answer, context)];
        activity.ChannelData = new JObject { ["feedbackLoopEnabled"] = true };
        activity.SuggestedActions = FollowUps(answer);
        return activity;
    }

    /// <summary>
    /// A talking-point check as an Adaptive Card (verdict, a row per layer with its verdict and quotes, the accurate
    /// rephrasing); the answer's text stays as the activity's summary and the card's fallback for clients without cards.
    /// </summary>
    public static Activity ToCheckActivity(Answer answer, ReplyContext? context = null)
    {
        context ??= new ReplyContext();
        var fallback = (answer.Notice is null ? "" : answer.Notice + "\n\n") + answer.Text
            + (answer.Rephrasing is null ? "" : "\n\nAccurate version: " + answer.Rephrasing);
        var activity = (Activity)Activity.CreateMessageActivity();
        activity.Summary = fallback;
        activity.Attachments = [new Attachment(TalkingPointCard.ContentType, content: TalkingPointCard.Build(answer, context, fallback))];
        activity.Entities = [MessageEntity(answer with { Citations = [] }, context)];
        activity.ChannelData = new JObject { ["feedbackLoopEnabled"] = true };
        activity.SuggestedActions = FollowUps(answer);
        return activity;
    }

    private static SuggestedActions? FollowUps(Answer answer) => answer.FollowUps.Count == 0 ? null : new SuggestedActions
    {
        Actions = answer.FollowUps.Take(3).Select(f => new CardAction(ActionTypes.ImBack, f, value: f)).ToList(),
    };

    /// <summary>
    /// An interim activity of a streamed answer (the Teams and Web Chat livestreaming protocol): a typing activity
    /// carrying the text so far and a "streaminfo" entity; the first one's id becomes the stream id.
    /// </summary>
    public static Activity StreamUpdate(string text, string? streamId, int sequence, bool informative)
    {
        var info = new Entity("streaminfo");
        info.Properties["streamType"] = informative ? "informative" : "streaming";
        info.Properties["streamSequence"] = sequence;
        var channelData = new JObject { ["streamType"] = informative ? "informative" : "streaming", ["streamSequence"] = sequence };
        if (streamId is not null)
        {
            info.Properties["streamId"] = streamId;
            channelData["streamId"] = streamId;
        }
        return new Activity { Type = ActivityTypes.Typing, Text = text, TextFormat = TextFormatTypes.Markdown, Entities = [info], ChannelData = channelData };
    }

    /// <summary>Marks the answer's message as the final activity of stream <paramref name="streamId"/>.</summary>
    public static Activity EndStream(Activity final, string streamId)
    {
        var info = new Entity("streaminfo");
        info.Properties["streamType"] = "final";
        info.Properties["streamId"] = streamId;
        final.Entities = [.. final.Entities ?? [], info];
        var channelData = final.ChannelData as JObject ?? [];
        channelData["streamType"] = "final";
        channelData["streamId"] = streamId;
        final.ChannelData = channelData;
        return final;
    }

    /// <summary>Links to the terms page for the terms the answer read: each shows how that term changed over time.</summary>
    private static string HowThisChanged(Answer answer, ReplyContext context)
    {
        if (answer.Terms is not { Count: > 0 } terms || context.Host is null)
            return "";
        var links = terms.Take(MaxTermLinks).Select(t => $"[{t}]({context.Link(TermsPages.Link(t, context.AsOf))})");
        return "\n\nHow this changed: " + string.Join(" · ", links);
    }

    /// <summary>
    /// Markdown reference-style definitions ("[1]: url "title""): Web Chat turns them and the Claims into citation
    /// badges with a source list; Markdown renderers that know no citations show nothing for them. In Web Chat every
    /// definition is a "cite:" link, so a citation opens its pop-up with the quote rather than leaving the chat.
    /// </summary>
    private static string LinkDefinitions(Answer answer, ReplyContext context)
    {
        if (answer.Citations.Count == 0)
            return "";
        var names = Names(answer);
        return "\n\n" + string.Join('\n', answer.Citations.Take(MaxCitations).Select(c =>
            $"[{c.N}]: {(context.Surface == ReplySurface.WebChat ? null : Url(c, context)) ?? $"cite:{c.N}"} \"{names[c.N].Replace("\"", "'", StringComparison.Ordinal)}\""));
    }

    /// <summary>The root schema.org Message entity: AI-generated, one Claim per citation, and in Web Chat the like and dislike actions.</summary>
    public static Entity CitationEntity(Answer answer, ReplyContext? context = null) => MessageEntity(answer, context ?? new ReplyContext());

    private static Entity MessageEntity(Answer answer, ReplyContext context)
    {
        var names = Names(answer);
        var claims = new JArray(answer.Citations.Take(MaxCitations).Select(c => new JObject
        {
            ["@type"] = "Claim",
            ["position"] = c.N,
            ["appearance"] = Appearance(c, names[c.N], context),
        }));
        var entity = new Entity("https://schema.org/Message");
        entity.Properties["@type"] = "Message";
        entity.Properties["@context"] = "https://schema.org";
        entity.Properties["@id"] = "";
        entity.Properties["additionalType"] = new JArray("AIGeneratedContent");
        entity.Properties["citation"] = claims;
        if (context.Surface == ReplySurface.WebChat && context.ReplyKey is { } key)
            entity.Properties["potentialAction"] = new JArray(Vote("LikeAction", "Like", key), Vote("DislikeAction", "Dislike", key));
        return entity;
    }

    /// <summary>A vote Web Chat shows as a thumb button and sends back as a "webchat:activity-status/feedback" event; its object names the reply.</summary>
    private static JObject Vote(string type, string name, string key) => new()
    {
        ["@type"] = type,
        ["name"] = name,
        ["actionStatus"] = "PotentialActionStatus",
        ["object"] = new JObject { ["@id"] = key },
    };

    private static JObject Appearance(Citation c, string name, ReplyContext context)
    {
        var appearance = new JObject
        {
            ["@type"] = "DigitalDocument",
            ["name"] = name,
            ["abstract"] = Clip(c.Quote, MaxAbstractLength),
            ["text"] = PopUp(c, context),
            ["keywords"] = new JArray(Keywords(c).Take(MaxKeywords).Select(k => Clip(k, MaxKeywordLength))),
        };
        // Web Chat opens a link instead of the pop-up when the appearance has a URL, so there the links go inside the pop-up.
        if (context.Surface == ReplySurface.Teams && Url(c, context) is { } url)
            appearance["url"] = url;
        return appearance;
    }

    /// <summary>Where a citation leads: its document's own URL, else the host's page of the document with the quote highlighted.</summary>
    private static string? Url(Citation c, ReplyContext context) => c.Url ?? context.SourcePage(c);

    /// <summary>The citation's pop-up (Markdown): the verbatim quote, the document's title, date and section, and where to read it.</summary>
    internal static string PopUp(Citation c, ReplyContext context)
    {
        var sb = new StringBuilder("> ").Append(EscapeMarkdown(c.Quote)).Append("\n\n**").Append(EscapeMarkdown(c.Title)).Append("** · ").Append(c.Date);
        if (c.Section is not null)
            sb.Append(" · ").Append(EscapeMarkdown(c.Section));
        sb.Append(" · ").Append(c.Confidence).Append(" source");
        var links = new List<string>();
        if (context.SourcePage(c) is { } page)
            links.Add($"[Read it in the document]({page})");
        if (c.Url is not null && Uri.TryCreate(c.Url, UriKind.Absolute, out var original))
            links.Add($"[Original at {original.Host}]({c.Url})");
        if (links.Count > 0)
            sb.Append("\n\n").Append(string.Join(" · ", links));
        return sb.ToString();
    }

    /// <summary>
    /// Reference names that tell citations apart: "Title (date)", and where one document is cited more than once, the
    /// section (or the quote's first words) within the length Teams allows.
    /// </summary>
    internal static IReadOnlyDictionary<int, string> Names(Answer answer)
    {
        var repeated = answer.Citations.GroupBy(c => (c.Title, c.Date)).Where(g => g.Count() > 1).SelectMany(g => g).Select(c => c.N).ToHashSet();
        var names = answer.Citations.ToDictionary(c => c.N, c => repeated.Contains(c.N) ? Distinct(c, c.Section is null ? null : LastSection(c.Section)) : Clip($"{c.Title} ({c.Date})", MaxNameLength));
        // Citations of one section of one document: the quote's first words tell them apart.
        foreach (var group in answer.Citations.Where(c => repeated.Contains(c.N)).GroupBy(c => names[c.N]).Where(g => g.Count() > 1))
        {
            foreach (var c in group)
                names[c.N] = Distinct(c, $"“{Clip(c.Quote, 28)}”");
        }
        return names;
    }

    private static string Distinct(Citation c, string? part)
    {
        var suffix = part is null ? $" ({c.Date})" : $" · {Clip(part, 30)} ({c.Date})";
        return Clip(c.Title, MaxNameLength - suffix.Length) + suffix;
    }

    /// <summary>The innermost heading of a section path ("A > B" → "B").</summary>
    private static string LastSection(string section) => section.Split(" > ")[^1];

    private static IEnumerable<string> Keywords(Citation c)
    {
        if (c.Layer is not null)
            yield return c.Layer;
        yield return c.Confidence;
        yield return c.Date;
    }

    /// <summary>
    /// Source text shown as written: Markdown's punctuation escaped, including what a typographer would change (Web Chat
    /// curls quotes and turns "--" into a dash, but leaves escaped characters alone), and a leading "1." that would start a list.
    /// </summary>
    internal static string EscapeMarkdown(string s)
    {
        var flat = string.Join(' ', s.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        var sb = new StringBuilder(flat.Length + 16);
        var leadingDigits = true;
        for (var i = 0; i < flat.Length; i++)
        {
            var ch = flat[i];
            var next = i + 1 < flat.Length ? flat[i + 1] : ' ';
            var previous = i > 0 ? flat[i - 1] : ' ';
            var escape = ch is '\\' or '*' or '_' or '[' or ']' or '<' or '>' or '`' or '#' or '|' or '~' or '\'' or '"' or '&' or '!'
                || (ch is '-' or '+' && (i == 0 || next == '-' || previous is '-' or '+'))
                || (ch == '.' && (next == '.' || (leadingDigits && i > 0)))
                || (ch == '(' && Typographic().IsMatch(flat.AsSpan(i)));
            if (escape)
                sb.Append('\\');
            sb.Append(ch);
            leadingDigits &= char.IsAsciiDigit(ch);
        }
        return sb.ToString();
    }

    /// <summary>What a typographer turns into a symbol: (c), (r), (tm), (p).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\((?:c|r|tm|p)\)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex Typographic();

    /// <summary>Cuts at a word boundary and marks the cut with an ellipsis, never exceeding <paramref name="max"/>.</summary>
    internal static string Clip(string s, int max)
    {
        var flat = string.Join(' ', s.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        if (flat.Length <= max)
            return flat;
        var cut = flat.LastIndexOf(' ', max - 1);
        return (cut > max / 2 ? flat[..cut] : flat[..(max - 1)]).TrimEnd(',', ';', ':', ' ') + "…";
    }
}
