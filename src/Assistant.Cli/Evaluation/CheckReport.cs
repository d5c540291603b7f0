using System.Globalization;
using System.Net;
using System.Text;
using Assistant.Core;
using Assistant.Hosting.Timeline;

namespace Assistant.Cli.Evaluation;

/// <summary>A readable report of a batch of talking-point checks: a summary table, then each point with its quotes.</summary>
public static class CheckReport
{
    public static readonly IReadOnlyList<string> Formats = [".html", ".md"];

    /// <param name="timeline">Draws the terms the points read (HTML only); null = no timeline.</param>
    public static string Write(IReadOnlyList<Answer> answers, string format, LayerTaxonomy taxonomy, DateOnly? asOf, TermsTimeline? timeline = null) =>
        format.Equals(".html", StringComparison.OrdinalIgnoreCase) ? Html(answers, taxonomy, asOf, timeline) : Markdown(answers, taxonomy, asOf);

    private static string AsOfText(DateOnly? asOf) => asOf is { } d ? Dates.Iso(d) : "all sources (today)";

    private static IEnumerable<(string Verdict, int Count)> Summary(IReadOnlyList<Answer> answers) =>
        Verdicts.ForTalkingPoints.Select(v => (v, answers.Count(a => a.Verdict == v))).Where(p => p.Item2 > 0);

    public static string Markdown(IReadOnlyList<Answer> answers, LayerTaxonomy taxonomy, DateOnly? asOf)
    {
        var sb = new StringBuilder();
        sb.Append("# Talking-point check\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{answers.Count} talking points checked against the sources as of {AsOfText(asOf)}.\n\n");
        sb.Append("| verdict | count |\n| --- | --- |\n");
        foreach (var (v, n) in Summary(answers))
            sb.Append(CultureInfo.InvariantCulture, $"| {v} | {n} |\n");
        sb.Append("\n| # | talking point | verdict | layers |\n| --- | --- | --- | --- |\n");
        for (var i = 0; i < answers.Count; i++)
            sb.Append(CultureInfo.InvariantCulture, $"| {i + 1} | {MarkdownText.Escape(answers[i].Question)} | **{answers[i].Verdict}** | {string.Join(", ", answers[i].Layers)} |\n");
        for (var i = 0; i < answers.Count; i++)
        {
            var a = answers[i];
            // The talking point is what a user wrote: shown as typed, never as links, emphasis or HTML.
            sb.Append(CultureInfo.InvariantCulture, $"\n## {i + 1}. {MarkdownText.Escape(a.Question)}\n\n**Verdict: {a.Verdict}**");
            foreach (var f in a.Findings ?? [])
                sb.Append(CultureInfo.InvariantCulture, $" · {taxonomy.NameOf(f.Layer)}: {f.Verdict}");
            sb.Append("\n\n").Append(MarkdownText.EscapeHtml(a.Text)).Append("\n\n");
            if (a.Rephrasing is not null)
                sb.Append("**Accurate version:** ").Append(MarkdownText.EscapeHtml(a.Rephrasing)).Append("\n\n");
            foreach (var c in a.Citations)
                sb.Append(CultureInfo.InvariantCulture, $"- [{c.N}] {MarkdownText.EscapeHtml(c.Title)} ({c.Date}, {c.Confidence}), `{c.Path.Replace("`", "", StringComparison.Ordinal)}`: \"{MarkdownText.EscapeHtml(c.Quote)}\"\n");
        }
        return sb.ToString();
    }

    public static string Html(IReadOnlyList<Answer> answers, LayerTaxonomy taxonomy, DateOnly? asOf, TermsTimeline? timeline = null)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Talking-point check</title>\n<style>")
          .Append("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}")
          .Append("table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}")
          .Append(".v{font-weight:600}.supported{color:#11772f}.contradicted{color:#b3261e}.outdated{color:#8a5a00}.partly{color:#1a4fa3}.not_covered{color:#666}")
          .Append("blockquote{margin:.3rem 0 .3rem 1rem;color:#333}</style></head><body>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<h1>Talking-point check</h1>\n<p>{answers.Count} talking points checked against the sources as of {E(AsOfText(asOf))}.</p>\n");
        sb.Append("<table><tr><th>verdict</th><th>count</th></tr>\n");
        foreach (var (v, n) in Summary(answers))
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"v {v}\">{v}</td><td>{n}</td></tr>\n");
        sb.Append("</table>\n<table><tr><th>#</th><th>talking point</th><th>verdict</th><th>layers</th></tr>\n");
        for (var i = 0; i < answers.Count; i++)
        {
            var a = answers[i];
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"#p{i + 1}\">{i + 1}</a></td><td>{E(a.Question)}</td><td class=\"v {a.Verdict}\">{a.Verdict}</td><td>{E(string.Join(", ", a.Layers))}</td></tr>\n");
        }
        sb.Append("</table>\n");
        for (var i = 0; i < answers.Count; i++)
        {
            var a = answers[i];
            sb.Append(CultureInfo.InvariantCulture, $"<section id=\"p{i + 1}\"><h2>{i + 1}. {E(a.Question)}</h2>\n<p class=\"v {a.Verdict}\">Verdict: {a.Verdict}");
            foreach (var f in a.Findings ?? [])
                sb.Append(CultureInfo.InvariantCulture, $" · {E(taxonomy.NameOf(f.Layer))}: {f.Verdict}");
            sb.Append("</p>\n");
            foreach (var para in a.Text.Split("\n\n"))
                sb.Append("<p>").Append(E(para).Replace("**", "", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>\n");
            if (a.Rephrasing is not null)
                sb.Append("<p><strong>Accurate version:</strong> ").Append(E(a.Rephrasing)).Append("</p>\n");
            sb.Append("<ol>\n");
            foreach (var c in a.Citations)
            {
                // Ingest accepts only http(s) URLs; an index written before that rule could still hold another scheme.
                var title = IsWebAddress(c.Url) ? $"<a href=\"{E(c.Url!)}\">{E(c.Title)}</a>" : E(c.Title);
                sb.Append(CultureInfo.InvariantCulture, $"<li value=\"{c.N}\">{title} ({c.Date}, {c.Confidence}) <code>{E(c.Path)}</code><blockquote>{E(c.Quote)}</blockquote></li>\n");
            }
            sb.Append("</ol></section>\n");
        }
        sb.Append(Timeline(answers, asOf, timeline));
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>The terms the checked points read, over time (the same picture as the host's /terms page).</summary>
    private static string Timeline(IReadOnlyList<Answer> answers, DateOnly? asOf, TermsTimeline? timeline)
    {
        var terms = answers.SelectMany(a => a.Terms ?? []).ToHashSet(StringComparer.Ordinal);
        if (timeline is null || terms.Count == 0)
            return "";
        var view = new TimelineView { Today = DateOnly.FromDateTime(DateTime.UtcNow), AsOf = asOf, Terms = terms };
        return "<section id=\"terms\"><h2>How the terms these points read changed</h2>\n<p>" + WebUtility.HtmlEncode(timeline.Caption(view)) + "</p>\n"
            + timeline.Fragment(view, followColorScheme: false) + "</section>\n";
    }

    private static bool IsWebAddress(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
}
