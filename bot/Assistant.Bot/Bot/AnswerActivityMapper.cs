using Assistant.Core;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;

namespace Assistant.Bot.Bot;

/// <summary>
/// The one place an <see cref="Answer"/> becomes a Bot Framework <see cref="Activity"/>: Markdown text with [n]
/// markers, the Teams citation entity (schema.org Message with Claims), the AI-generated label, the feedback
/// loop and follow-up suggestions. A move to another bot SDK changes this class, not the answer logic.
/// </summary>
public static class AnswerActivityMapper
{
    /// <summary>Teams' limits for citations.</summary>
    public const int MaxCitations = 20;
    public const int MaxNameLength = 80;
    public const int MaxAbstractLength = 160;
    public const int MaxKeywords = 3;
    public const int MaxKeywordLength = 28;

    public static Activity ToActivity(Answer answer)
    {
        var notice = answer.Notice is null ? "" : $"_{answer.Notice}_\n\n";
        var activity = MessageFactory.Text(notice + answer.Text + LinkDefinitions(answer));
        activity.TextFormat = TextFormatTypes.Markdown;
        activity.Entities = [CitationEntity(answer)];
        activity.ChannelData = new JObject { ["feedbackLoopEnabled"] = true };
        if (answer.FollowUps.Count > 0)
        {
            activity.SuggestedActions = new SuggestedActions
            {
                Actions = answer.FollowUps.Take(3).Select(f => new CardAction(ActionTypes.ImBack, f, value: f)).ToList(),
            };
        }
        return activity;
    }

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

    /// <summary>
    /// Markdown reference-style definitions ("[1]: url "title""): Web Chat turns them and the Claims into citation
    /// badges with a source list; Markdown renderers that know no citations show nothing for them.
    /// </summary>
    private static string LinkDefinitions(Answer answer) =>
        answer.Citations.Count == 0 ? "" : "\n\n" + string.Join('\n', answer.Citations.Take(MaxCitations).Select(c =>
            $"[{c.N}]: {c.Url ?? $"cite:{c.N}"} \"{Clip($"{c.Title} ({c.Date})", MaxNameLength).Replace("\"", "'", StringComparison.Ordinal)}\""));

    /// <summary>The root schema.org Message entity: AI-generated, with one Claim per citation.</summary>
    public static Entity CitationEntity(Answer answer)
    {
        var claims = new JArray(answer.Citations.Take(MaxCitations).Select(c => new JObject
        {
            ["@type"] = "Claim",
            ["position"] = c.N,
            ["appearance"] = Appearance(c),
        }));
        var entity = new Entity("https://schema.org/Message");
        entity.Properties["@type"] = "Message";
        entity.Properties["@context"] = "https://schema.org";
        entity.Properties["@id"] = "";
        entity.Properties["additionalType"] = new JArray("AIGeneratedContent");
        entity.Properties["citation"] = claims;
        return entity;
    }

    private static JObject Appearance(Citation c)
    {
        var appearance = new JObject
        {
            ["@type"] = "DigitalDocument",
            ["name"] = Clip($"{c.Title} ({c.Date})", MaxNameLength),
            ["abstract"] = Clip(c.Quote, MaxAbstractLength),
            ["keywords"] = new JArray(Keywords(c).Take(MaxKeywords).Select(k => Clip(k, MaxKeywordLength))),
        };
        if (c.Url is not null)
            appearance["url"] = c.Url;
        return appearance;
    }

    private static IEnumerable<string> Keywords(Citation c)
    {
        if (c.Layer is not null)
            yield return c.Layer;
        yield return c.Confidence;
        yield return c.Date;
    }

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
