using System.Net;
using System.Text;

namespace Assistant.Bot.Pages;

/// <summary>The frame of the host's own pages (sources, terms): light and dark styles, a header linking back to the chat.</summary>
internal static class HtmlPage
{
    public static string E(string s) => WebUtility.HtmlEncode(s);

    public static IResult Html(string title, string body, int status = StatusCodes.Status200OK, string? script = null, string? styles = null)
    {
        var sb = new StringBuilder("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<meta name=\"color-scheme\" content=\"light dark\">\n<title>").Append(E(title)).Append(" · Assistant</title>\n");
        sb.Append(Styles).Append(styles);
        if (script is not null)
            sb.Append("<script src=\"").Append(E(script)).Append("\" defer></script>\n");
        sb.Append("</head>\n<body>\n<header class=\"page-header\"><nav aria-label=\"Assistant\"><a href=\"/\">Chat</a> · <a href=\"/terms\">Terms over time</a></nav></header>\n<main>\n");
        sb.Append(body).Append("</main>\n</body>\n</html>\n");
        return Results.Content(sb.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private const string Styles = """
        <style>
        :root{--page:#ffffff;--text:#1b1b1b;--muted:#4f4f4f;--link:#0063b1;--border:#d1d1d1;--mark:#fff0a8;--focus:#1b1b1b}
        @media (prefers-color-scheme: dark){:root{--page:#121212;--text:#f2f2f2;--muted:#c8c8c8;--link:#6cb8f6;--border:#474747;--mark:#5c4a00;--focus:#f2f2f2}}
        html{background:var(--page);color:var(--text)}
        body{font-family:system-ui,"Segoe UI",Arial,sans-serif;max-width:72rem;margin:0 auto;padding:0 1rem 2rem;line-height:1.5}
        a{color:var(--link)}
        :focus-visible{outline:3px solid var(--focus);outline-offset:2px}
        .page-header{padding:.8rem 0;border-bottom:1px solid var(--border);margin-bottom:1rem}
        h1{font-size:1.4rem;margin:.4rem 0}
        .meta{color:var(--muted);margin:.2rem 0 1rem}
        .meta dt{display:inline;font-weight:600}
        .meta dd{display:inline;margin:0 1rem 0 .3rem}
        .notice{padding:.6rem .8rem;border:1px solid var(--border);border-radius:4px}
        mark{background:var(--mark);color:var(--text);padding:0 .1rem}
        .document{max-width:48rem}
        .document h2{font-size:1.1rem;margin:1.2rem 0 .4rem}
        </style>

        """;
}
