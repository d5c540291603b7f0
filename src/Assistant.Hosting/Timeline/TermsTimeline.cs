using System.Globalization;
using System.Net;
using System.Text;
using Assistant.Core;
using Assistant.Core.Ledger;

namespace Assistant.Hosting.Timeline;

/// <summary>What a timeline shows: up to which day, which layer, which terms, and where a quote's document opens.</summary>
public sealed record TimelineView
{
    /// <summary>Today's line; the axis runs at least this far.</summary>
    public required DateOnly Today { get; init; }

    /// <summary>Only the states from on or before this day (its line is drawn); null = every state.</summary>
    public DateOnly? AsOf { get; init; }

    /// <summary>Only this layer's lane; null = every layer.</summary>
    public string? Layer { get; init; }

    /// <summary>Only these terms (the ones a report's points read); null = every term.</summary>
    public IReadOnlySet<string>? Terms { get; init; }

    /// <summary>Where a quote's document opens: the host's source page, or null for the document's own URL.</summary>
    public Func<DocumentInfo, string, string>? QuoteLink { get; init; }

    /// <summary>The day the picture stops at: the as-of day, or today.</summary>
    public DateOnly Until => AsOf ?? Today;
}

/// <summary>A term as the view shows it: the states it had by then, and the one in effect on that day.</summary>
public sealed record TimelineTerm(Term Term, IReadOnlyList<TermState> States)
{
    public TermState? Current => States.Count == 0 ? null : States[^1];
}

/// <summary>One layer's lane.</summary>
public sealed record TimelineLane(string Layer, string Name, IReadOnlyList<TimelineTerm> Terms);

/// <summary>
/// The terms ledger drawn as lanes per layer over time, in plain SVG: a bar for each interval a term was in force, a marker
/// for each announced, reported, disputed and not-in-force state, today's line; then each term's statement and quotes as
/// HTML. One renderer for the host's /terms page, `assistant terms --html` and the check report.
/// </summary>
public sealed class TermsTimeline(TermsLedger ledger, LayerTaxonomy taxonomy, IReadOnlyDictionary<string, DocumentInfo> documents)
{
    private const double Width = 1100;
    private const double LabelWidth = 290;
    private const double RightPad = 24;
    private const double AxisHeight = 40;
    private const double LaneHeader = 28;
    private const double RowHeight = 22;
    private const double Bottom = 12;

    /// <summary>The lanes of <paramref name="view"/>, in taxonomy order; a lane lists its terms as in the ledger.</summary>
    public IReadOnlyList<TimelineLane> Lanes(TimelineView view)
    {
        var layers = view.Layer is { } only ? [only] : LayerTaxonomy.Ids;
        return layers.Select(layer => new TimelineLane(layer, taxonomy.NameOf(layer), ledger.Terms
                .Where(t => t.Layer == layer && (view.Terms is null || view.Terms.Contains(t.Id)))
                .Select(t => new TimelineTerm(t, [.. t.States.Where(s => view.AsOf is not { } day || s.From <= day)]))
                .Where(t => t.States.Count > 0)
                .ToList()))
            .Where(l => view.Terms is null || l.Terms.Count > 0)
            .ToList();
    }

    /// <summary>The picture and the terms' details, with their styles: an HTML fragment for a page that has none of its own.</summary>
    /// <param name="followColorScheme">Whether the page around it turns dark with the system (else the picture stays light).</param>
    public string Fragment(TimelineView view, bool followColorScheme) => StyleSheet(followColorScheme) + Figure(view) + Details(view);

    /// <summary>A self-contained HTML document (no script, no external file): what `assistant terms --html` writes.</summary>
    public string Page(TimelineView view)
    {
        var sb = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n");
        sb.Append("<title>Terms of the Microsoft–OpenAI partnership over time</title>\n<style>")
          .Append("body{font-family:system-ui,\"Segoe UI\",Arial,sans-serif;max-width:72rem;margin:1.5rem auto;padding:0 1rem;line-height:1.45;background:var(--tl-page);color:var(--tl-text)}")
          .Append("</style>\n</head><body>\n<main>\n<h1>Terms of the Microsoft–OpenAI partnership over time</h1>\n");
        sb.Append("<p>").Append(E(Caption(view))).Append("</p>\n");
        sb.Append(Fragment(view, followColorScheme: true)).Append("</main>\n</body></html>\n");
        return sb.ToString();
    }

    /// <summary>What the picture shows, in one sentence.</summary>
    public string Caption(TimelineView view)
    {
        var count = Lanes(view).Sum(l => l.Terms.Count);
        var scope = view.Layer is { } layer ? $"{taxonomy.NameOf(layer)}: " : "";
        var when = view.AsOf is { } day ? $"as they stood on {Dates.Iso(day)}" : $"as of today, {Dates.Iso(view.Today)}";
        return $"{scope}{count} terms {when}, by layer. Bars: in force; markers: announced, reported, disputed, not in force, ended. "
            + "Years with more changes are drawn wider. Choose a term to read its statement and the quotes behind each state.";
    }

    /// <summary>The SVG with its legend, in a figure.</summary>
    public string Figure(TimelineView view)
    {
        var lanes = Lanes(view);
        var sb = new StringBuilder("<figure class=\"tl-figure\">\n");
        sb.Append(Svg(view, lanes));
        sb.Append(Legend).Append("</figure>\n");
        return sb.ToString();
    }

    private string Svg(TimelineView view, IReadOnlyList<TimelineLane> lanes)
    {
        var scale = Scale(view, lanes);
        var height = AxisHeight + lanes.Sum(l => LaneHeader + (Math.Max(1, l.Terms.Count) * RowHeight)) + Bottom;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"tl\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {N(height)}\" width=\"{Width}\" height=\"{N(height)}\" aria-labelledby=\"tl-title\">\n");
        sb.Append("<title id=\"tl-title\">").Append(E(Caption(view))).Append("</title>\n");
        Axis(sb, scale, height);
        var y = AxisHeight;
        foreach (var lane in lanes)
        {
            var laneHeight = LaneHeader + (Math.Max(1, lane.Terms.Count) * RowHeight);
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"tl-lane\" data-layer=\"{E(lane.Layer)}\">\n");
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"tl-lane-bg\" x=\"0\" y=\"{N(y)}\" width=\"{Width}\" height=\"{N(laneHeight)}\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"tl-lane-name\" x=\"8\" y=\"{N(y + 19)}\">{E(lane.Name)}</text>\n");
            var rowY = y + LaneHeader;
            if (lane.Terms.Count == 0)
                sb.Append(CultureInfo.InvariantCulture, $"<text class=\"tl-empty\" x=\"16\" y=\"{N(rowY + 15)}\">No term of this layer by {Dates.Iso(view.Until)}.</text>\n");
            foreach (var term in lane.Terms)
            {
                Row(sb, term, scale, rowY, view.Until);
                rowY += RowHeight;
            }
            sb.Append("</g>\n");
            y += laneHeight;
        }
        DayLine(sb, scale, view.Today, height, "tl-today", $"today {Dates.Iso(view.Today)}");
        if (view.AsOf is { } asOf && asOf != view.Today)
            DayLine(sb, scale, asOf, height, "tl-asof", $"as of {Dates.Iso(asOf)}");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static TimeScale Scale(TimelineView view, IReadOnlyList<TimelineLane> lanes)
    {
        var days = lanes.SelectMany(l => l.Terms).SelectMany(t => t.States).Select(s => s.From).Distinct().Order().ToList();
        var first = days.Count == 0 ? view.Until : days[0];
        var last = new[] { view.Today, view.Until, days.Count == 0 ? view.Until : days[^1] }.Max();
        var start = new DateOnly(first.Year, 1, 1);
        var end = new DateOnly(last.Year, last.Month, 1).AddMonths(2);
        return new TimeScale(start, end, days, LabelWidth, Width - LabelWidth - RightPad);
    }

    private static void Axis(StringBuilder sb, TimeScale scale, double height)
    {
        sb.Append("<g class=\"tl-axis\" aria-hidden=\"true\">\n");
        for (var year = scale.Start.Year; year <= scale.End.Year; year++)
        {
            var day = new DateOnly(year, 1, 1);
            if (day < scale.Start || day > scale.End)
                continue;
            var x = scale.X(day);
            sb.Append(CultureInfo.InvariantCulture, $"<line class=\"tl-grid\" x1=\"{N(x)}\" x2=\"{N(x)}\" y1=\"{N(AxisHeight - 8)}\" y2=\"{N(height - Bottom)}\"/>");
            // A year that starts at the right edge gets its line but no label (it would be cut).
            if (x < Width - RightPad - 30)
                sb.Append(CultureInfo.InvariantCulture, $"<text class=\"tl-year\" x=\"{N(x + 3)}\" y=\"{N(AxisHeight - 14)}\">{year}</text>");
            sb.Append('\n');
        }
        sb.Append("</g>\n");
    }

    private static void DayLine(StringBuilder sb, TimeScale scale, DateOnly day, double height, string cls, string label)
    {
        var x = scale.X(day);
        var anchor = x > Width - 120 ? "end" : "start";
        var tx = anchor == "end" ? x - 4 : x + 4;
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"{cls}\" aria-hidden=\"true\"><line x1=\"{N(x)}\" x2=\"{N(x)}\" y1=\"{N(AxisHeight - 4)}\" y2=\"{N(height - Bottom)}\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(tx)}\" y=\"{N(AxisHeight - 2)}\" text-anchor=\"{anchor}\">{E(label)}</text></g>\n");
    }

    /// <summary>One term: a link (to its details) holding its label, bars and markers.</summary>
    private static void Row(StringBuilder sb, TimelineTerm term, TimeScale scale, double y, DateOnly until)
    {
        var mid = y + (RowHeight / 2);
        sb.Append(CultureInfo.InvariantCulture, $"<a class=\"tl-term\" href=\"#{E(term.Term.Id)}\" aria-label=\"{E(Describe(term))}\">");
        sb.Append("<title>").Append(E($"{term.Term.Statement} ({StatesText(term)})")).Append("</title>");
        sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"tl-row\" x=\"2\" y=\"{N(y + 1)}\" width=\"{Width - 4}\" height=\"{RowHeight - 2}\" rx=\"3\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"tl-label\" x=\"16\" y=\"{N(mid + 4)}\">{E(Label(term.Term.Id))}</text>");
        var states = term.States;
        for (var i = 0; i < states.Count; i++)
        {
            var s = states[i];
            var next = i + 1 < states.Count ? states[i + 1].From : until;
            var x = scale.X(s.From);
            var x2 = Math.Max(x, scale.X(next < s.From ? s.From : next));
            switch (s.Status)
            {
                case TermStatus.InForce:
                    // Consecutive in-force states make one bar; a restatement shows as a notch.
                    var restated = i > 0 && states[i - 1].Status == TermStatus.InForce;
                    sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"tl-bar\" x=\"{N(x)}\" y=\"{N(mid - 5)}\" width=\"{N(Math.Max(3, x2 - x))}\" height=\"10\"/>");
                    if (restated)
                        sb.Append(CultureInfo.InvariantCulture, $"<line class=\"tl-restated\" x1=\"{N(x)}\" x2=\"{N(x)}\" y1=\"{N(mid - 5)}\" y2=\"{N(mid + 5)}\"/>");
                    break;
                case TermStatus.Ended:
                    sb.Append(CultureInfo.InvariantCulture, $"<path class=\"tl-mark tl-ended\" d=\"M{N(x)},{N(mid - 7)}V{N(mid + 7)}M{N(x)},{N(mid)}H{N(x + 5)}\"/>");
                    break;
                default:
                    if (x2 - x > 8)
                        sb.Append(CultureInfo.InvariantCulture, $"<line class=\"tl-pending tl-{Css(s.Status)}\" x1=\"{N(x)}\" x2=\"{N(x2)}\" y1=\"{N(mid)}\" y2=\"{N(mid)}\"/>");
                    sb.Append(Marker(s.Status, x, mid));
                    break;
            }
        }
        sb.Append("</a>\n");
    }

    /// <summary>A marker whose shape tells the status without its colour.</summary>
    private static string Marker(TermStatus status, double x, double y) => status switch
    {
        TermStatus.Announced => $"<path class=\"tl-mark tl-announced\" d=\"M{N(x)},{N(y - 6)}L{N(x + 6)},{N(y)}L{N(x)},{N(y + 6)}L{N(x - 6)},{N(y)}Z\"/>",
        TermStatus.Reported => $"<circle class=\"tl-mark tl-reported\" cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"5\"/>",
        TermStatus.Disputed => $"<path class=\"tl-mark tl-disputed\" d=\"M{N(x)},{N(y - 6)}L{N(x + 6)},{N(y + 5)}L{N(x - 6)},{N(y + 5)}Z\"/>",
        _ => $"<path class=\"tl-mark tl-not-in-force\" d=\"M{N(x - 5)},{N(y - 5)}L{N(x + 5)},{N(y + 5)}M{N(x + 5)},{N(y - 5)}L{N(x - 5)},{N(y + 5)}\"/>",
    };

    private static readonly string Legend =
        "<ul class=\"tl-legend\" aria-label=\"Legend\">"
        + LegendItem("<rect class=\"tl-bar\" x=\"1\" y=\"4\" width=\"22\" height=\"10\"/>", "in force")
        + LegendItem(Marker(TermStatus.Announced, 12, 9), "announced")
        + LegendItem(Marker(TermStatus.Reported, 12, 9), "reported")
        + LegendItem(Marker(TermStatus.Disputed, 12, 9), "disputed")
        + LegendItem(Marker(TermStatus.NotInForce, 12, 9), "not in force")
        + LegendItem("<path class=\"tl-mark tl-ended\" d=\"M12,2V16M12,9H17\"/>", "ended")
        + LegendItem("<line class=\"tl-today-key\" x1=\"12\" x2=\"12\" y1=\"0\" y2=\"18\"/>", "today")
        + "</ul>\n";

    private static string LegendItem(string shape, string text) =>
        $"<li><svg class=\"tl tl-key\" width=\"24\" height=\"18\" viewBox=\"0 0 24 18\" aria-hidden=\"true\">{shape}</svg>{text}</li>";

    /// <summary>Every term of the view with its statement and, state by state, the quotes behind it (the bars link here).</summary>
    public string Details(TimelineView view)
    {
        var sb = new StringBuilder("<section class=\"tl-terms\" aria-label=\"The terms, their states and quotes\">\n");
        foreach (var lane in Lanes(view))
        {
            sb.Append("<h2>").Append(E(lane.Name)).Append("</h2>\n");
            if (lane.Terms.Count == 0)
                sb.Append(CultureInfo.InvariantCulture, $"<p>No term of this layer by {Dates.Iso(view.Until)}.</p>\n");
            foreach (var term in lane.Terms)
                sb.Append(Article(term, view));
        }
        sb.Append("</section>\n");
        return sb.ToString();
    }

    /// <summary>One term: its statement and each state with its date, figures, who reported it and its quotes.</summary>
    public string Article(TimelineTerm term, TimelineView view)
    {
        var t = term.Term;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<article class=\"tl-card\" id=\"{E(t.Id)}\" tabindex=\"-1\" aria-labelledby=\"{E(t.Id)}-title\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<h3 id=\"{E(t.Id)}-title\">{E(t.Statement)}</h3>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"tl-card-id\">{E(t.Id)} · {E(taxonomy.NameOf(t.Layer))}</p>\n<ol class=\"tl-states\">\n");
        foreach (var s in term.States)
        {
            var since = s.Status == TermStatus.Ended ? "on" : "from";
            sb.Append(CultureInfo.InvariantCulture, $"<li><span class=\"tl-status tl-status-{Css(s.Status)}\">{StatusName(s.Status)}</span> {since} <time datetime=\"{Dates.Iso(s.From)}\">{Dates.Iso(s.From)}</time>");
            if (s.By is not null)
                sb.Append(", reported by ").Append(E(s.By));
            if (s.Figures.Count > 0)
                sb.Append(" (").Append(E(string.Join(", ", s.Figures))).Append(')');
            if (s.ReplacedBy is not null)
                sb.Append(CultureInfo.InvariantCulture, $", replaced by <a href=\"#{E(s.ReplacedBy)}\">{E(s.ReplacedBy)}</a>");
            foreach (var source in s.Sources)
                sb.Append(Quote(source, view));
            sb.Append("</li>\n");
        }
        sb.Append("</ol>\n</article>\n");
        return sb.ToString();
    }

    private string Quote(TermSource source, TimelineView view)
    {
        var cite = E(source.Doc);
        if (documents.TryGetValue(source.Doc, out var doc))
        {
            var href = view.QuoteLink?.Invoke(doc, source.Quote) ?? doc.Url;
            var title = href is null ? E(doc.Title) : $"<a href=\"{E(href)}\">{E(doc.Title)}</a>";
            cite = $"{title}, <time datetime=\"{Dates.Iso(doc.Date)}\">{Dates.Iso(doc.Date)}</time>";
        }
        return $"<blockquote class=\"tl-quote\"><p>“{E(source.Quote)}”</p><footer>— {cite}</footer></blockquote>";
    }

    /// <summary>What a screen reader hears for a term's row: its label as shown, its statement, then its states in order.</summary>
    public static string Describe(TimelineTerm term) => $"{Label(term.Term.Id)}: {term.Term.Statement} {StatesText(term)}. Opens its quotes.";

    private static string StatesText(TimelineTerm term) =>
        string.Join("; ", term.States.Select(s => s.Status == TermStatus.Ended
            ? $"ended {Dates.Iso(s.From)}"
            : $"{StatusName(s.Status).ToLowerInvariant()} from {Dates.Iso(s.From)}"));

    public static string StatusName(TermStatus status) => status switch
    {
        TermStatus.InForce => "In force",
        TermStatus.Ended => "Ended",
        TermStatus.Announced => "Announced",
        TermStatus.Reported => "Reported",
        TermStatus.Disputed => "Disputed",
        _ => "Not in force",
    };

    private static string Css(TermStatus status) => status switch
    {
        TermStatus.InForce => "in-force",
        TermStatus.NotInForce => "not-in-force",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Label(string id) => id.Length <= 44 ? id : id[..43] + "…";

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string N(double v) => Math.Round(v, 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The styles of the picture and the details (contrast at least 3:1 for shapes, 4.5:1 for text), light, or
    /// following the system's colour scheme when the page around them does too.</summary>
    public static string StyleSheet(bool followColorScheme) =>
        "<style>\n" + LightColors + (followColorScheme ? DarkColors : "") + Rules;

    private const string LightColors = """
        :root{--tl-page:#ffffff;--tl-text:#1b1b1b;--tl-muted:#4f4f4f;--tl-lane:#f3f6fa;--tl-lane-alt:#ffffff;--tl-grid:#c8c8c8;--tl-bar:#0063b1;--tl-restated:#ffffff;
          --tl-announced:#8a5a00;--tl-reported:#5c2d91;--tl-disputed:#b3261e;--tl-not-in-force:#1b1b1b;--tl-ended:#1b1b1b;--tl-today:#a80000;--tl-asof:#11772f;--tl-focus:#1b1b1b;--tl-hover:#e8f1fb;--tl-target:#fff4ce}

        """;

    private const string DarkColors = """
        @media (prefers-color-scheme: dark){:root{--tl-page:#121212;--tl-text:#f2f2f2;--tl-muted:#c8c8c8;--tl-lane:#1e2630;--tl-lane-alt:#121212;--tl-grid:#5c5c5c;--tl-bar:#6cb8f6;--tl-restated:#121212;
          --tl-announced:#f2c661;--tl-reported:#c6a8ee;--tl-disputed:#f1707b;--tl-not-in-force:#f2f2f2;--tl-ended:#f2f2f2;--tl-today:#ff8f8f;--tl-asof:#7ad08f;--tl-focus:#f2f2f2;--tl-hover:#0f3a5f;--tl-target:#4a3b00}}

        """;

    private const string Rules = """
        .tl-figure{margin:1rem 0;overflow-x:auto}
        svg.tl{display:block;max-width:100%;height:auto;font:12px system-ui,"Segoe UI",Arial,sans-serif}
        svg.tl text{fill:var(--tl-text)}
        .tl-lane-bg{fill:var(--tl-lane)}
        .tl-lane:nth-of-type(even) .tl-lane-bg{fill:var(--tl-lane-alt)}
        .tl-lane-name{font-weight:600;font-size:13px}
        .tl-empty{font-style:italic}
        .tl-grid{stroke:var(--tl-grid);stroke-width:1}
        .tl-year{font-size:11px}
        .tl-row{fill:transparent;stroke:none}
        .tl-term:hover .tl-row{fill:var(--tl-hover)}
        .tl-term:focus{outline:none}
        .tl-term:focus-visible .tl-row{stroke:var(--tl-focus);stroke-width:2}
        .tl-label{font-size:11px}
        .tl-bar{fill:var(--tl-bar)}
        .tl-restated{stroke:var(--tl-restated);stroke-width:1.5}
        .tl-mark{stroke-width:2}
        .tl-announced{fill:none;stroke:var(--tl-announced)}
        .tl-reported{fill:none;stroke:var(--tl-reported)}
        .tl-disputed{fill:var(--tl-disputed);stroke:var(--tl-disputed);stroke-width:1}
        .tl-not-in-force{fill:none;stroke:var(--tl-not-in-force)}
        .tl-ended{fill:none;stroke:var(--tl-ended);stroke-width:2.5}
        .tl-pending{stroke-width:1.5;stroke-dasharray:3 3}
        line.tl-announced{stroke:var(--tl-announced)}line.tl-reported{stroke:var(--tl-reported)}line.tl-disputed{stroke:var(--tl-disputed)}line.tl-not-in-force{stroke:var(--tl-not-in-force)}
        .tl-today line,.tl-today-key{stroke:var(--tl-today);stroke-width:2;stroke-dasharray:6 3}
        svg.tl .tl-today text{fill:var(--tl-today);font-weight:600}
        .tl-asof line{stroke:var(--tl-asof);stroke-width:2}
        svg.tl .tl-asof text{fill:var(--tl-asof);font-weight:600}
        .tl-legend{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;list-style:none;padding:0;margin:.6rem 0;font-size:.9rem}
        .tl-legend li{display:flex;align-items:center;gap:.35rem}
        .tl-legend svg.tl-key{display:inline-block}
        .tl-terms h2{font-size:1.1rem;margin:1.6rem 0 .4rem}
        .tl-card{border:1px solid var(--tl-grid);border-radius:6px;padding:.6rem .9rem;margin:.6rem 0}
        .tl-card:target,.tl-card:focus{background:var(--tl-target);outline:3px solid var(--tl-focus);outline-offset:2px}
        .tl-card h3{font-size:1rem;margin:0 0 .2rem}
        .tl-card-id{margin:0 0 .4rem;color:var(--tl-muted);font-size:.85rem}
        .tl-states{margin:0;padding-left:1.2rem}
        .tl-states li{margin:.3rem 0}
        .tl-status{font-weight:600}
        .tl-quote{margin:.3rem 0 .5rem 0;padding-left:.8rem;border-left:3px solid var(--tl-grid)}
        .tl-quote p{margin:0}
        .tl-quote footer{color:var(--tl-muted);font-size:.9rem}
        </style>

        """;
}

/// <summary>
/// Dates to x: time runs linearly, and every day on which some state begins gets a slot of its own, so states a day apart stay
/// apart while quiet years stay narrow.
/// </summary>
internal sealed class TimeScale
{
    private readonly DateOnly[] _days;
    private readonly double _x0;
    private readonly double _slot;
    private readonly double _perDay;

    public TimeScale(DateOnly start, DateOnly end, IReadOnlyList<DateOnly> days, double x0, double width)
    {
        Start = start;
        End = end;
        _days = [.. days];
        _x0 = x0;
        _slot = days.Count == 0 ? 0 : Math.Min(18, width * 0.55 / days.Count);
        _perDay = (width - (_slot * days.Count)) / Math.Max(1, end.DayNumber - start.DayNumber);
    }

    public DateOnly Start { get; }

    public DateOnly End { get; }

    public double X(DateOnly day)
    {
        var clamped = day < Start ? Start : day > End ? End : day;
        var before = Array.BinarySearch(_days, clamped);
        var slots = before >= 0 ? before + 0.5 : ~before;
        return _x0 + (_perDay * (clamped.DayNumber - Start.DayNumber)) + (_slot * slots);
    }
}
