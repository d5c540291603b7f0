using System.Globalization;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Assistant.Core;
using UglyToad.PdfPig;

namespace Assistant.Ingestion;

/// <summary>What a loader read from a file: the text to chunk and the metadata the file states or implies.</summary>
/// <param name="Declared">Metadata the file states explicitly (front matter); it wins over a sidecar.</param>
/// <param name="Intrinsic">Metadata inferred from the file (HTML title, PDF info); a sidecar wins over it.</param>
public sealed record LoadedText(string Text, int BodyOffset, MetadataFields Declared, MetadataFields Intrinsic);

/// <summary>Reads one kind of corpus file.</summary>
public interface IDocumentLoader
{
    IReadOnlyList<string> Extensions { get; }

    LoadedText Load(string path, byte[] bytes);
}

/// <summary>Decodes UTF-8 strictly so a binary or mis-encoded file is named instead of indexed as garbage.</summary>
internal static class Utf8
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Decode(string path, byte[] bytes)
    {
        try
        {
            var text = Strict.GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            throw new DocumentLoadException(path, "not valid UTF-8 text");
        }
    }
}

/// <summary>Markdown with optional YAML front matter.</summary>
public sealed class MarkdownLoader : IDocumentLoader
{
    public IReadOnlyList<string> Extensions { get; } = [".md", ".markdown"];

    public LoadedText Load(string path, byte[] bytes)
    {
        var text = Utf8.Decode(path, bytes).Replace("\r\n", "\n");
        var fm = Metadata.ParseFrontMatter(text, path);
        var offset = fm?.BodyOffset ?? 0;
        return new LoadedText(text[offset..], offset, fm?.Fields ?? new MetadataFields(), new MetadataFields { Title = FirstLine(text[offset..]) });
    }

    internal static string? FirstLine(string text) =>
        text.Split('\n').Select(l => l.Trim().TrimStart('#').Trim()).FirstOrDefault(l => l.Length > 0);
}

/// <summary>Plain text; the first line is the title unless a sidecar says otherwise.</summary>
public sealed class TextLoader : IDocumentLoader
{
    public IReadOnlyList<string> Extensions { get; } = [".txt"];

    public LoadedText Load(string path, byte[] bytes)
    {
        var text = Utf8.Decode(path, bytes).Replace("\r\n", "\n");
        return new LoadedText(text, 0, new MetadataFields(), new MetadataFields { Title = MarkdownLoader.FirstLine(text) });
    }
}

/// <summary>HTML through AngleSharp: headings, list items and paragraphs become lines the chunker understands.</summary>
public sealed class HtmlLoader : IDocumentLoader
{
    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "P", "DIV", "SECTION", "ARTICLE", "MAIN", "BLOCKQUOTE", "TD", "TH", "DT", "DD", "FIGCAPTION", "PRE",
    };

    public IReadOnlyList<string> Extensions { get; } = [".html", ".htm"];

    public LoadedText Load(string path, byte[] bytes)
    {
        var html = Utf8.Decode(path, bytes);
        var document = new HtmlParser().ParseDocument(html);
        var root = (INode?)document.Body ?? document.DocumentElement;
        var sb = new StringBuilder();
        if (root is not null)
            Walk(root, sb);
        var intrinsic = new MetadataFields
        {
            Title = string.IsNullOrWhiteSpace(document.Title) ? document.QuerySelector("h1")?.TextContent.Trim() : document.Title.Trim(),
            Date = Meta(document, "date") ?? Meta(document, "article:published_time") ?? document.QuerySelector("time[datetime]")?.GetAttribute("datetime"),
            Publisher = Meta(document, "og:site_name") ?? Meta(document, "publisher"),
            Url = document.QuerySelector("link[rel=canonical]")?.GetAttribute("href") ?? Meta(document, "og:url"),
        };
        if (intrinsic.Date is { Length: > 10 } d)
            intrinsic.Date = d[..10];
        return new LoadedText(sb.ToString().Trim(), 0, new MetadataFields(), intrinsic);
    }

    private static string? Meta(IDocument d, string name) =>
        (d.QuerySelector($"meta[name='{name}']") ?? d.QuerySelector($"meta[property='{name}']"))?.GetAttribute("content");

    private static void Walk(INode node, StringBuilder sb)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is not IElement e)
            {
                if (child.NodeType == NodeType.Text)
                    sb.Append(Collapse(child.TextContent));
                continue;
            }
            var tag = e.TagName.ToUpperInvariant();
            if (tag is "SCRIPT" or "STYLE" or "NOSCRIPT" or "TEMPLATE" or "NAV" or "HEAD")
                continue;
            if (tag.Length == 2 && tag[0] == 'H' && char.IsDigit(tag[1]))
            {
                Line(sb, new string('#', tag[1] - '0') + " " + Collapse(e.TextContent).Trim());
                continue;
            }
            if (tag == "LI")
            {
                Line(sb, "- " + Collapse(e.TextContent).Trim());
                continue;
            }
            if (tag == "BR")
            {
                sb.Append('\n');
                continue;
            }
            if (Blocks.Contains(tag))
            {
                Break(sb);
                Walk(e, sb);
                Break(sb);
                continue;
            }
            Walk(e, sb);
        }
    }

    private static void Line(StringBuilder sb, string line)
    {
        Break(sb);
        sb.Append(line).Append("\n\n");
    }

    private static void Break(StringBuilder sb)
    {
        var trailing = 0;
        for (var i = sb.Length - 1; i >= 0 && sb[i] == '\n'; i--)
            trailing++;
        if (sb.Length > 0)
            sb.Append('\n', Math.Max(0, 2 - trailing));
    }

    private static string Collapse(string s) =>
        string.Join(' ', s.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)) is var c && c.Length > 0
            ? (char.IsWhiteSpace(s[0]) ? " " : "") + c + (char.IsWhiteSpace(s[^1]) ? " " : "")
            : (s.Length > 0 ? " " : "");
}

/// <summary>PDF through PdfPig: page text in reading order, one paragraph per line of text.</summary>
public sealed class PdfLoader : IDocumentLoader
{
    public IReadOnlyList<string> Extensions { get; } = [".pdf"];

    public LoadedText Load(string path, byte[] bytes)
    {
        try
        {
            using var pdf = PdfDocument.Open(bytes);
            var sb = new StringBuilder();
            foreach (var page in pdf.GetPages())
            {
                var text = UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor.ContentOrderTextExtractor.GetText(page);
                sb.Append(text.Replace("\r\n", "\n").Trim()).Append("\n\n");
            }
            var info = pdf.Information;
            return new LoadedText(sb.ToString().Trim(), 0, new MetadataFields(), new MetadataFields
            {
                Title = string.IsNullOrWhiteSpace(info.Title) ? null : info.Title.Trim(),
                Date = PdfDate(info.CreationDate),
                Publisher = string.IsNullOrWhiteSpace(info.Author) ? null : info.Author.Trim(),
            });
        }
        catch (DocumentLoadException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new DocumentLoadException(path, $"not a readable PDF ({e.GetType().Name}: {e.Message.Split('\n')[0]})", e);
        }
    }

    // PDF dates look like "D:20260227120000Z".
    private static string? PdfDate(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return null;
        var s = raw.StartsWith("D:", StringComparison.Ordinal) ? raw[2..] : raw;
        return s.Length >= 8 && DateOnly.TryParseExact(s[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? Dates.Iso(d)
            : null;
    }
}
