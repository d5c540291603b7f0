using Assistant.Core;
using Newtonsoft.Json.Linq;

namespace Assistant.Bot.Bot;

/// <summary>
/// A talking-point check as Adaptive Card JSON (schema 1.5, which Teams and Web Chat render): the verdict, a row per layer
/// with its verdict and the quotes behind it, the accurate rephrasing. Written as JSON: the AdaptiveCards library is not needed.
/// </summary>
public static class TalkingPointCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string Version = "1.5";

    /// <summary>Quotes shown per layer; the rest stay in the text fallback.</summary>
    public const int MaxQuotesPerLayer = 2;

    public static JObject Build(Answer answer, ReplyContext context, string fallback)
    {
        var body = new JArray
        {
            Text("Talking-point check", size: "Medium", weight: "Bolder", style: "heading"),
            Plain($"“{answer.Question}”", italic: true),
            Verdict(answer),
        };
        if (answer.Notice is not null)
            body.Add(Text(answer.Notice, subtle: true));
        foreach (var finding in answer.Findings ?? [])
            body.Add(Layer(finding, answer, context));
        if (answer.Rephrasing is not null)
        {
            body.Add(Text("Accurate version", weight: "Bolder", separator: true));
            body.Add(Plain(answer.Rephrasing));
        }
        body.Add(Text(answer.Text.Split("\n\n")[^1], size: "Small", subtle: true, separator: true));
        var card = new JObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = Version,
            ["fallbackText"] = fallback,
            ["speak"] = answer.Text.Split("\n\n")[0],
            ["body"] = body,
        };
        var actions = Actions(answer, context);
        if (actions.Count > 0)
            card["actions"] = actions;
        return card;
    }

    private static JObject Verdict(Answer answer) => new()
    {
        ["type"] = "ColumnSet",
        ["columns"] = new JArray
        {
            Column("auto", Text("Verdict:", weight: "Bolder")),
            Column("stretch", Badge(answer.Verdict)),
        },
    };

    /// <summary>One layer: its name and verdict, then each cited quote with its document, date and section.</summary>
    private static JObject Layer(LayerFinding finding, Answer answer, ReplyContext context)
    {
        var items = new JArray
        {
            new JObject
            {
                ["type"] = "ColumnSet",
                ["columns"] = new JArray
                {
                    Column("stretch", Text(context.LayerName(finding.Layer), weight: "Bolder")),
                    Column("auto", Badge(finding.Verdict)),
                },
            },
        };
        var cited = finding.Citations.Select(n => answer.Citations.FirstOrDefault(c => c.N == n)).OfType<Citation>().Take(MaxQuotesPerLayer).ToList();
        if (cited.Count == 0)
            items.Add(Text("No source speaks to this layer.", subtle: true));
        foreach (var c in cited)
        {
            items.Add(Plain($"“{c.Quote}” [{c.N}]"));
            var source = $"{c.Title} · {c.Date}{(c.Section is null ? "" : " · " + c.Section.Split(" > ")[^1])}";
            items.Add(Plain(source, subtle: true, small: true, url: c.Url ?? context.SourcePage(c)));
        }
        return new JObject { ["type"] = "Container", ["separator"] = true, ["spacing"] = "Medium", ["items"] = items };
    }

    private static JArray Actions(Answer answer, ReplyContext context)
    {
        var actions = new JArray();
        if (answer.Terms is { Count: > 0 } terms && context.Link(Pages.TermsPages.Link(terms[0], context.AsOf)) is { } url)
            actions.Add(new JObject { ["type"] = "Action.OpenUrl", ["title"] = "How this changed", ["url"] = url });
        return actions;
    }

    public static string VerdictName(string verdict) => verdict switch
    {
        Verdicts.Supported => "Supported",
        Verdicts.Contradicted => "Contradicted",
        Verdicts.Partly => "Partly",
        Verdicts.Outdated => "Outdated",
        Verdicts.NotCovered => "Not covered by the sources",
        _ => verdict,
    };

    /// <summary>
    /// The verdict on a tinted container: hosts give container styles a background with text that contrasts in light and
    /// dark themes alike, which coloured text does not; the verdict is written out, so colour is never the only cue.
    /// </summary>
    private static JObject Badge(string verdict) => new()
    {
        ["type"] = "Container",
        ["style"] = verdict switch
        {
            Verdicts.Supported => "good",
            Verdicts.Contradicted => "attention",
            Verdicts.Outdated => "warning",
            Verdicts.Partly => "accent",
            _ => "emphasis",
        },
        ["bleed"] = false,
        ["items"] = new JArray(Text(VerdictName(verdict), weight: "Bolder")),
    };

    /// <summary>Text shown as written (a TextRun takes no Markdown): quotes, and what the user typed.</summary>
    private static JObject Plain(string text, bool italic = false, bool subtle = false, bool small = false, string? url = null)
    {
        var run = new JObject { ["type"] = "TextRun", ["text"] = text };
        if (italic)
            run["italic"] = true;
        if (subtle)
            run["isSubtle"] = true;
        if (small)
            run["size"] = "Small";
        if (url is not null)
            run["selectAction"] = new JObject { ["type"] = "Action.OpenUrl", ["title"] = text, ["url"] = url };
        var block = new JObject { ["type"] = "RichTextBlock", ["inlines"] = new JArray(run) };
        if (small)
            block["spacing"] = "None";
        return block;
    }

    private static JObject Column(string width, JObject item) => new() { ["type"] = "Column", ["width"] = width, ["items"] = new JArray(item) };

    private static JObject Text(string text, string? size = null, string? weight = null, string? style = null,
        bool subtle = false, bool separator = false)
    {
        var block = new JObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        if (size is not null)
            block["size"] = size;
        if (weight is not null)
            block["weight"] = weight;
        if (style is not null)
            block["style"] = style;
        if (subtle)
            block["isSubtle"] = true;
        if (separator)
            block["separator"] = true;
        return block;
    }
}
