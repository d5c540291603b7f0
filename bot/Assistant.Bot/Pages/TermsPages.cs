using System.Text;
using System.Text.Json;
using Assistant.Answering;
using Assistant.Core;
using Assistant.Core.Ledger;
using Assistant.Hosting.Timeline;
using static Assistant.Bot.Pages.HtmlPage;

namespace Assistant.Bot.Pages;

/// <summary>
/// The terms ledger over time: GET /terms draws it (lanes per layer, a bar per interval in force, markers for the other
/// states, today's line; each term opens its statement and quotes), GET /api/terms serves the same data as JSON. Both take
/// ?as_of=YYYY-MM-DD and ?layer=ID.
/// </summary>
public static class TermsPages
{
    public const string Script = "/terms.js";

    public static IEndpointRouteBuilder MapTermsPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/terms", Page).WithTags("Pages").ExcludeFromDescription();
        app.MapGet("/api/terms", Json).WithTags("API")
            .WithSummary("The terms ledger by layer: every term with its states up to as_of (default today) and the quotes behind them")
            .Produces(200, contentType: "application/json").ProducesProblem(400).ProducesProblem(503);
        return app;
    }

    /// <summary>A term's place on the page (answers link "How this changed" here).</summary>
    public static string Link(string termId, string? asOf = null) =>
        asOf is null ? $"/terms#{Uri.EscapeDataString(termId)}" : $"/terms?as_of={Uri.EscapeDataString(asOf)}#{Uri.EscapeDataString(termId)}";

    private static IResult Page(string? as_of, string? layer, ServedIndex served, LayerTaxonomy taxonomy)
    {
        const string title = "Terms of the partnership over time";
        if (Read(as_of, layer, out var view) is { } problem)
            return Html(title, $"<h1>{title}</h1>\n<p class=\"notice\" role=\"alert\">{E(problem.Message)} <a href=\"/terms\">Show every term</a>.</p>\n", StatusCodes.Status400BadRequest);
        if (!served.IsReady)
            return Html(title, $"<h1>{title}</h1>\n<p class=\"notice\">The terms are still being loaded; try again in a few seconds.</p>\n", StatusCodes.Status503ServiceUnavailable);
        var timeline = Timeline(served, taxonomy);
        var body = new StringBuilder();
        body.Append("<h1>").Append(title).Append("</h1>\n<p>").Append(E(timeline.Caption(view))).Append("</p>\n");
        body.Append(Filter(view, taxonomy));
        body.Append(timeline.Figure(view)).Append(timeline.Details(view));
        body.Append("<dialog id=\"tl-dialog\" class=\"tl-dialog\"><div class=\"tl-dialog-body\"></div>")
            .Append("<button type=\"button\" class=\"tl-dialog-close\">Close</button></dialog>\n");
        return Html(title, body.ToString(), script: Script, styles: TermsTimeline.StyleSheet(followColorScheme: true) + DialogStyles);
    }

    private static IResult Json(string? as_of, string? layer, ServedIndex served, LayerTaxonomy taxonomy)
    {
        if (Read(as_of, layer, out var view) is { } problem)
            return Results.Json(new { error = problem.Message, field = problem.Field }, statusCode: StatusCodes.Status400BadRequest);
        if (!served.IsReady)
            return Results.Json(new { error = served.Failure ?? "the index is still being built; retry in a few seconds", field = "index" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        var documents = Documents(served);
        var lanes = Timeline(served, taxonomy).Lanes(view);
        return Results.Json(new
        {
            as_of = view.AsOf is { } d ? Dates.Iso(d) : null,
            today = Dates.Iso(view.Today),
            ledger = served.Current.Index.Ledger.Hash,
            layers = lanes.Select(l => new
            {
                id = l.Layer,
                name = l.Name,
                terms = l.Terms.Select(t => new
                {
                    id = t.Term.Id,
                    statement = t.Term.Statement,
                    status = t.Current!.Status,
                    since = Dates.Iso(t.Current.From),
                    page = Link(t.Term.Id, view.AsOf is { } a ? Dates.Iso(a) : null),
                    states = t.States.Select(s => new
                    {
                        status = s.Status,
                        from = Dates.Iso(s.From),
                        replaced_by = s.ReplacedBy,
                        by = s.By,
                        figures = s.Figures,
                        sources = s.Sources.Select(q => Source(q, documents)),
                    }),
                }),
            }),
        }, TermsLedger.Json);
    }

    private static object Source(TermSource source, IReadOnlyDictionary<string, DocumentInfo> documents)
    {
        documents.TryGetValue(source.Doc, out var doc);
        return new
        {
            doc = source.Doc,
            quote = source.Quote,
            title = doc?.Title,
            date = doc is null ? null : Dates.Iso(doc.Date),
            url = doc?.Url,
            source_page = SourcePages.Link(source.Doc, source.Quote),
        };
    }

    private sealed record Problem(string Field, string Message);

    private static Problem? Read(string? asOf, string? layer, out TimelineView view)
    {
        view = new TimelineView { Today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime), QuoteLink = (d, q) => SourcePages.Link(d.Id, q) };
        if (!string.IsNullOrEmpty(asOf))
        {
            if (!Dates.TryParse(asOf, out var day))
                return new Problem("as_of", $"'as_of' ('{asOf}') is not a date of the form YYYY-MM-DD.");
            view = view with { AsOf = day };
        }
        if (!string.IsNullOrEmpty(layer))
        {
            if (!LayerTaxonomy.Ids.Contains(layer))
                return new Problem("layer", $"'layer' ('{layer}') is not one of {string.Join(", ", LayerTaxonomy.Ids)}.");
            view = view with { Layer = layer };
        }
        return null;
    }

    private static IReadOnlyDictionary<string, DocumentInfo> Documents(ServedIndex served) =>
        served.Current.Index.Documents.ToDictionary(d => d.Info.Id, d => d.Info, StringComparer.Ordinal);

    private static TermsTimeline Timeline(ServedIndex served, LayerTaxonomy taxonomy) =>
        new(served.Current.Index.Ledger, taxonomy, Documents(served));

    /// <summary>Layer and day; the page's script turns the submission into a navigation (the site's policy allows no form posts).</summary>
    private static string Filter(TimelineView view, LayerTaxonomy taxonomy)
    {
        var sb = new StringBuilder("<form class=\"tl-filter\" action=\"/terms\" method=\"get\" aria-label=\"Which terms to show\">\n");
        sb.Append("<label for=\"tl-layer\">Layer</label> <select id=\"tl-layer\" name=\"layer\"><option value=\"\">All layers</option>");
        foreach (var id in LayerTaxonomy.Ids)
            sb.Append("<option value=\"").Append(E(id)).Append('"').Append(view.Layer == id ? " selected" : "").Append('>').Append(E(taxonomy.NameOf(id))).Append("</option>");
        sb.Append("</select>\n<label for=\"tl-asof\">As of</label> <input id=\"tl-asof\" type=\"date\" name=\"as_of\" value=\"")
          .Append(view.AsOf is { } d ? Dates.Iso(d) : "").Append("\">\n<button type=\"submit\">Show</button> <a href=\"/terms\">Every term, today</a>\n</form>\n");
        return sb.ToString();
    }

    private const string DialogStyles = """
        <style>
        .tl-filter{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:.8rem 0}
        .tl-filter select,.tl-filter input,.tl-filter button{font:inherit;padding:.25rem .4rem;color:var(--text);background:var(--page);border:1px solid var(--border);border-radius:4px}
        .tl-filter button{border-color:var(--link);color:var(--link);cursor:pointer}
        .tl-dialog{max-width:46rem;width:calc(100% - 2rem);color:var(--text);background:var(--page);border:1px solid var(--border);border-radius:8px}
        .tl-dialog::backdrop{background:rgba(0,0,0,.45)}
        .tl-dialog .tl-card{border:none;padding:0;margin:0 0 .8rem}
        .tl-dialog .tl-card:focus{outline:none;background:none}
        .tl-dialog-close{font:inherit;padding:.3rem .9rem;border:1px solid var(--link);border-radius:4px;background:var(--page);color:var(--link);cursor:pointer}
        </style>

        """;
}
