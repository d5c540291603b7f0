using System.Text.RegularExpressions;
using System.Xml.Linq;
using Assistant.Core;
using Assistant.Core.Ledger;
using Assistant.Hosting.Timeline;

namespace Assistant.Tests.Timeline;

[Trait("Category", "Unit")]
public sealed partial class TermsTimelineTests
{
    private static readonly LayerTaxonomy Taxonomy = DomainKnowledge.LoadTaxonomy(RepoPaths.Corpus);

    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    private static TermState State(TermStatus status, string from, string quote = "A sentence of the memo.", string? replacedBy = null) =>
        new() { Status = status, From = D(from), ReplacedBy = replacedBy, Sources = [new TermSource("memo", quote)] };

    // A ledger written for these tests: one term per layer, every status somewhere.
    private static readonly TermsLedger Ledger = new(
    [
        new Term
        {
            Id = "widgets-only-on-cloud-a", Layer = "infrastructure", Statement = "Widgets run only on Cloud A.",
            States = [State(TermStatus.InForce, "2020-03-01"), State(TermStatus.InForce, "2024-06-01", "The memo restates it."), State(TermStatus.Ended, "2025-02-01", "It ended.", "widgets-anywhere")],
        },
        new Term { Id = "widgets-anywhere", Layer = "orchestration", Statement = "Widgets may run on any cloud.", States = [State(TermStatus.Announced, "2025-01-10"), State(TermStatus.InForce, "2025-02-01")] },
        new Term { Id = "fund-raised", Layer = "capital", Statement = "The fund raised <b>$5</b> & more.", States = [State(TermStatus.Reported, "2025-05-01", "Reportedly <script>alert(1)</script>.")] },
        new Term { Id = "agency-deal", Layer = "government", Statement = "An agency uses widgets.", States = [State(TermStatus.Disputed, "2025-06-01")] },
        new Term { Id = "board-seat", Layer = "governance", Statement = "A board seat is held.", States = [State(TermStatus.NotInForce, "2025-07-01")] },
        new Term { Id = "licence-to-2030", Layer = "ip", Statement = "The licence runs to 2030.", States = [State(TermStatus.InForce, "2025-02-02")] },
        new Term { Id = "customers-choose", Layer = "market", Statement = "Customers choose their cloud.", States = [State(TermStatus.InForce, "2025-02-03")] },
    ]);

    private static readonly Dictionary<string, DocumentInfo> Documents = new()
    {
        ["memo"] = new DocumentInfo { Id = "memo", Title = "The widget memo", Date = D("2020-03-01"), Path = "corpus/memo.md", Url = "https://example.com/memo" },
    };

    private static readonly TermsTimeline Timeline = new(Ledger, Taxonomy, Documents);

    private static TimelineView View(string? asOf = null) => new() { Today = D("2025-12-01"), AsOf = asOf is null ? null : D(asOf) };

    private static XElement Svg(TimelineView view)
    {
        var figure = Timeline.Figure(view);
        var svg = figure[figure.IndexOf("<svg", StringComparison.Ordinal)..(figure.IndexOf("</svg>", StringComparison.Ordinal) + 6)];
        return XElement.Parse(svg);
    }

    private static IEnumerable<XElement> Class(XElement root, string cls) =>
        root.Descendants().Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains(cls) == true);

    [Fact]
    public void Every_layer_has_a_lane_in_taxonomy_order_with_its_terms()
    {
        var lanes = Class(Svg(View()), "tl-lane").ToList();

        Assert.Equal(LayerTaxonomy.Ids, lanes.Select(l => (string)l.Attribute("data-layer")!));
        Assert.All(lanes, l => Assert.Contains(Taxonomy.NameOf((string)l.Attribute("data-layer")!), Class(l, "tl-lane-name").Single().Value, StringComparison.Ordinal));
        var infrastructure = lanes[0];
        Assert.Equal("#widgets-only-on-cloud-a", Class(infrastructure, "tl-term").Single().Attributes().Single(a => a.Name.LocalName == "href").Value);
    }

    [Fact]
    public void In_force_intervals_are_bars_and_the_other_states_are_markers_of_their_own_shape()
    {
        var svg = Svg(View());

        // The first term: in force (restated once) until it ended: two bar pieces, a notch, an end mark.
        var first = Class(svg, "tl-term").First();
        Assert.Equal(2, Class(first, "tl-bar").Count());
        Assert.Single(Class(first, "tl-restated"));
        Assert.Single(Class(first, "tl-ended"));
        Assert.Single(Class(svg, "tl-announced"), e => e.Name.LocalName == "path");
        Assert.Single(Class(svg, "tl-reported"), e => e.Name.LocalName == "circle");
        Assert.Single(Class(svg, "tl-disputed"), e => e.Name.LocalName == "path");
        Assert.Single(Class(svg, "tl-not-in-force"), e => e.Name.LocalName == "path");
        Assert.Single(Class(svg, "tl-today"));
    }

    [Fact]
    public void A_bar_runs_from_its_first_day_to_the_day_the_term_ended()
    {
        static double Num(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var first = Class(Svg(View()), "tl-term").First();
        var bars = Class(first, "tl-bar").ToList();
        var end = Num((string)bars[1].Attribute("x")!) + Num((string)bars[1].Attribute("width")!);
        var ended = Num(EndMark().Match(Class(first, "tl-ended").Single().Attribute("d")!.Value).Groups[1].Value);

        Assert.True(Num((string)bars[0].Attribute("x")!) < end);
        Assert.InRange(end, ended - 0.2, ended + 0.2);
    }

    [Fact]
    public void As_of_a_day_later_states_are_left_out_and_its_line_is_drawn()
    {
        var view = View("2025-01-15");

        var lanes = Timeline.Lanes(view);

        var first = lanes[0].Terms.Single();
        Assert.Equal(2, first.States.Count);
        Assert.Equal(TermStatus.InForce, first.Current!.Status);
        Assert.Equal(TermStatus.Announced, lanes[1].Terms.Single().Current!.Status);
        Assert.Empty(lanes[2].Terms);
        Assert.Single(Class(Svg(view), "tl-asof"));
        Assert.Contains("No term of this layer by 2025-01-15.", Timeline.Details(view), StringComparison.Ordinal);
    }

    [Fact]
    public void One_layer_or_some_terms_can_be_drawn_alone()
    {
        Assert.Equal(["capital"], Timeline.Lanes(View() with { Layer = "capital" }).Select(l => l.Layer));
        Assert.Equal(["infrastructure", "ip"], Timeline.Lanes(View() with { Terms = new HashSet<string> { "licence-to-2030", "widgets-only-on-cloud-a" } }).Select(l => l.Layer));
    }

    [Fact]
    public void Each_term_links_to_its_statement_and_every_state_with_its_quotes_documents_and_dates()
    {
        var details = Timeline.Details(View());

        var article = details[details.IndexOf("<article class=\"tl-card\" id=\"widgets-only-on-cloud-a\"", StringComparison.Ordinal)..];
        article = article[..article.IndexOf("</article>", StringComparison.Ordinal)];
        Assert.Contains("Widgets run only on Cloud A.", article, StringComparison.Ordinal);
        Assert.Contains("In force</span> from <time datetime=\"2020-03-01\">", article, StringComparison.Ordinal);
        Assert.Contains("The memo restates it.", article, StringComparison.Ordinal);
        Assert.Contains("Ended</span> on <time datetime=\"2025-02-01\">2025-02-01</time>, replaced by <a href=\"#widgets-anywhere\">", article, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.com/memo\">The widget memo</a>, <time datetime=\"2020-03-01\">2020-03-01</time>", article, StringComparison.Ordinal);
    }

    [Fact]
    public void Quotes_can_open_the_hosts_source_page_instead_of_the_original()
    {
        var details = Timeline.Details(View() with { QuoteLink = (doc, quote) => $"/sources/{doc.Id}?q={quote.Length}" });

        Assert.Contains("<a href=\"/sources/memo?q=23\">The widget memo</a>", details, StringComparison.Ordinal);
    }

    [Fact]
    public void Statements_and_quotes_are_escaped()
    {
        var page = Timeline.Page(View());

        Assert.Contains("The fund raised &lt;b&gt;$5&lt;/b&gt; &amp; more.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>$5", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_static_page_is_self_contained_with_no_script_and_nothing_loaded_from_elsewhere()
    {
        var page = Timeline.Page(View());

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", page, StringComparison.Ordinal);
        Assert.Contains("<style>", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_term_row_is_a_link_a_screen_reader_can_name()
    {
        var svg = Svg(View());

        var rows = Class(svg, "tl-term").ToList();
        Assert.Equal(Ledger.Terms.Count, rows.Count);
        Assert.All(rows, r => Assert.Matches(StatementThenStates(), (string)r.Attribute("aria-label")!));
        Assert.Contains("widgets-only-on-cloud-a: Widgets run only on Cloud A. in force from 2020-03-01; in force from 2024-06-01; ended 2025-02-01. Opens its quotes.",
            rows.Select(r => (string)r.Attribute("aria-label")!));
    }

    [Fact]
    public void States_a_day_apart_are_drawn_apart_and_later_days_further_right()
    {
        var scale = new TimeScale(D("2019-01-01"), D("2027-01-01"), [D("2026-02-27"), D("2026-02-28"), D("2026-03-02")], 290, 780);

        Assert.True(scale.X(D("2026-02-28")) - scale.X(D("2026-02-27")) >= 12);
        var days = Enumerable.Range(0, 3000).Select(i => D("2019-01-01").AddDays(i)).Select(scale.X).ToList();
        Assert.True(days.Zip(days.Skip(1)).All(p => p.Second >= p.First));
        Assert.InRange(scale.X(D("2027-01-01")), 1069, 1071);
    }

    [GeneratedRegex(@"^M([\d.]+),")]
    private static partial Regex EndMark();

    [GeneratedRegex(@"^[a-z0-9-]+: .+\. (in force|ended|announced|reported|disputed|not in force) from \d{4}-\d{2}-\d{2}.*Opens its quotes\.$")]
    private static partial Regex StatementThenStates();
}
