using System.Text;
using System.Text.RegularExpressions;
using Assistant.Answering;
using Assistant.Core;
using Assistant.Ingestion;
using static Assistant.Bot.Pages.HtmlPage;

namespace Assistant.Bot.Pages;

/// <summary>
/// GET /sources/{id}: a corpus document as the host has it, with a quoted sentence highlighted (?quote=…, scrolled to by
/// #quote). Citations link here when their document has no URL of its own, so every quote can be read in its context.
/// </summary>
public static partial class SourcePages
{
    /// <summary>The page of <paramref name="docId"/> with <paramref name="quote"/> highlighted, relative to the host.</summary>
    public static string Link(string docId, string quote) =>
        $"/sources/{Uri.EscapeDataString(docId)}?quote={Uri.EscapeDataString(quote)}#quote";

    public static IEndpointRouteBuilder MapSourcePages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sources/{id}", Show).WithTags("Pages").WithSummary("A source document, with a quoted sentence highlighted").ExcludeFromDescription();
        return app;
    }

    private static IResult Show(string id, string? quote, ServedIndex served, CorpusReader corpus)
    {
        if (!served.IsReady)
            return Html("Sources", "<h1>Sources</h1>\n<p class=\"notice\">The sources are still being loaded; try again in a few seconds.</p>\n", StatusCodes.Status503ServiceUnavailable);
        var info = served.Current.Index.Documents.Select(d => d.Info).FirstOrDefault(d => d.Id == id);
        if (info is null)
            return Html("Source not found", $"<h1>Source not found</h1>\n<p class=\"notice\">No source has the id “{E(id)}”.</p>\n", StatusCodes.Status404NotFound);
        string text;
        try
        {
            // Citation paths are relative to the corpus folder's parent ("corpus/…"); the id came from the index, not the URL.
            text = corpus.Load(Path.Combine(Path.GetDirectoryName(corpus.CorpusDir)!, info.Path)).Text;
        }
        catch (Exception e) when (e is DocumentLoadException or IOException)
        {
            return Html(info.Title, $"<h1>{E(info.Title)}</h1>\n<p class=\"notice\">This document cannot be read right now: {E(e.Message)}</p>\n", StatusCodes.Status404NotFound);
        }
        var mark = string.IsNullOrWhiteSpace(quote) ? null : QuoteText.Locate(quote, text);
        return Html(info.Title, Header(info, quote, mark is not null) + "<article class=\"document\">\n" + Render(text, mark) + "</article>\n");
    }

    private static string Header(DocumentInfo info, string? quote, bool found)
    {
        var sb = new StringBuilder();
        sb.Append("<h1>").Append(E(info.Title)).Append("</h1>\n<dl class=\"meta\">");
        sb.Append("<dt>Date</dt><dd>").Append(Dates.Iso(info.Date)).Append(info.DateInferred ? " (inferred)" : "").Append("</dd>");
        if (info.Publisher is not null)
            sb.Append("<dt>Publisher</dt><dd>").Append(E(info.Publisher)).Append("</dd>");
        sb.Append("<dt>Confidence</dt><dd>").Append(info.Confidence.ToString().ToLowerInvariant()).Append("</dd>");
        sb.Append("<dt>File</dt><dd><code>").Append(E(info.Path)).Append("</code></dd>");
        if (info.Url is not null)
            sb.Append("<dt>Original</dt><dd><a href=\"").Append(E(info.Url)).Append("\">").Append(E(new Uri(info.Url).Host)).Append("</a></dd>");
        sb.Append("</dl>\n");
        if (!string.IsNullOrWhiteSpace(quote))
        {
            sb.Append(found
                ? "<p class=\"notice\" role=\"status\">The quoted sentence is <a href=\"#quote\">highlighted below</a>.</p>\n"
                : "<p class=\"notice\" role=\"status\">The quoted sentence is not in this document as it reads now: “" + E(quote) + "”</p>\n");
        }
        return sb.ToString();
    }

    /// <summary>The text as simple Markdown: headings, bullets (also the "-" alone on a line before its item), paragraphs; the rest as text.</summary>
    internal static string Render(string text, (int Start, int End)? mark)
    {
        var sb = new StringBuilder();
        var inList = false;
        var itemNext = false;
        var marked = false;
        var offset = 0;
        foreach (var line in text.Split('\n'))
        {
            var start = offset;
            offset += line.Length + 1;
            var trimmed = line.Trim();
            if (trimmed.Length == 0)
                continue;
            if (trimmed == "-")
            {
                itemNext = true;
                continue;
            }
            var heading = Heading().Match(line);
            var bullet = Bullet().Match(line);
            var body = heading.Success ? heading : bullet.Success ? bullet : null;
            var from = start + (body?.Groups["body"].Index ?? line.Length - line.TrimStart().Length);
            var html = Segment(text, from, start + line.TrimEnd().Length, mark, ref marked);
            if (bullet.Success || itemNext)
            {
                if (!inList)
                    sb.Append("<ul>\n");
                inList = true;
                itemNext = false;
                sb.Append("<li>").Append(html).Append("</li>\n");
                continue;
            }
            if (inList)
                sb.Append("</ul>\n");
            inList = false;
            sb.Append(heading.Success ? $"<h2>{html}</h2>\n" : $"<p>{html}</p>\n");
        }
        if (inList)
            sb.Append("</ul>\n");
        return sb.ToString();
    }

    /// <summary>text[from..to) escaped, with the part inside <paramref name="mark"/> in &lt;mark&gt; (the first one is #quote).</summary>
    private static string Segment(string text, int from, int to, (int Start, int End)? mark, ref bool marked)
    {
        if (to <= from)
            return "";
        if (mark is not { } m || m.End <= from || m.Start >= to)
            return E(text[from..to]);
        var s = Math.Max(from, m.Start);
        var e = Math.Min(to, m.End);
        var id = marked ? "" : " id=\"quote\"";
        marked = true;
        return E(text[from..s]) + $"<mark{id}>" + E(text[s..e]) + "</mark>" + E(text[e..to]);
    }

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s+(?<body>.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*(?:[-*+\u2022]|\d+[.)])\s+(?<body>.*)$")]
    private static partial Regex Bullet();
}
