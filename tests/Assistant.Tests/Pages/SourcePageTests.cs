using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Assistant.Bot.Pages;
using Assistant.Core;
using Assistant.Tests.Bot;

namespace Assistant.Tests.Pages;

[Trait("Category", "Unit")]
public sealed class QuoteLocationTests
{
    [Fact]
    public void A_quote_is_found_where_it_is_written()
    {
        const string text = "First sentence. The quoted one. Last.";

        Assert.Equal((16, 31), QuoteText.Locate("The quoted one.", text));
    }

    [Fact]
    public void A_quote_is_found_across_line_breaks_list_markers_and_emphasis()
    {
        const string text = "Intro\n- The **deal** covers\n  compute only.\nMore.";

        var (start, end) = QuoteText.Locate("The deal covers compute only.", text)!.Value;

        Assert.Equal("The **deal** covers\n  compute only.", text[start..end]);
    }

    [Fact]
    public void A_quote_that_is_not_there_is_not_found() =>
        Assert.Null(QuoteText.Locate("Not in it.", "Something else entirely."));
}

[Trait("Category", "Unit")]
public sealed class SourcePageRenderTests
{
    [Fact]
    public void Headings_bullets_and_paragraphs_render_simply_and_escaped()
    {
        const string text = "# Title <x>\nA paragraph & more.\n- one\n-\ntwo after a lone dash\nEnd.";

        var html = SourcePages.Render(text, null);

        Assert.Equal("<h2>Title &lt;x&gt;</h2>\n<p>A paragraph &amp; more.</p>\n<ul>\n<li>one</li>\n<li>two after a lone dash</li>\n</ul>\n<p>End.</p>\n", html);
    }

    [Fact]
    public void The_quote_is_marked_even_across_lines_and_the_first_mark_is_the_target()
    {
        const string text = "Before. Start of the quote\nend of the quote. After.";
        var start = text.IndexOf("Start", StringComparison.Ordinal);
        var end = text.IndexOf(" After", StringComparison.Ordinal);

        var html = SourcePages.Render(text, (start, end));

        Assert.Equal("<p>Before. <mark id=\"quote\">Start of the quote</mark></p>\n<p><mark>end of the quote.</mark> After.</p>\n", html);
    }
}

[Trait("Category", "Integration")]
public sealed class SourceAndTermsPagesTests(BotHostFactory factory) : IClassFixture<BotHostFactory>, IAsyncLifetime
{
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await factory.ReadyAsync();
        _client = factory.CreateClient();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private const string Quote = "This development indicates OpenAI is allowing certain AI orchestration or application layers to run on AWS, while core AI models and infrastructure remain Azure-hosted.";

    [Fact]
    public async Task A_source_page_shows_the_document_with_the_quote_highlighted()
    {
        var response = await _client.GetAsync(SourcePages.Link("microsoft-openai-statement", Quote));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Clarification and reaffirmation of Microsoft partnership terms</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<mark id=\"quote\">" + System.Net.WebUtility.HtmlEncode(Quote) + "</mark>", html, StringComparison.Ordinal);
        Assert.Contains("Exclusive Cloud Provider", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quote_not_in_the_document_is_said_plainly_and_the_document_still_shows()
    {
        var html = await _client.GetStringAsync("/sources/microsoft-openai-statement?quote=%3Cb%3ENot%20a%20sentence%20of%20it%3C%2Fb%3E");

        Assert.Contains("The quoted sentence is not in this document as it reads now: “&lt;b&gt;Not a sentence of it&lt;/b&gt;”", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<mark", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_source_is_a_404_page()
    {
        var response = await _client.GetAsync("/sources/no-such-document");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No source has the id “no-such-document”", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_terms_page_draws_every_layers_lane_and_loads_its_script_from_the_host()
    {
        var html = await _client.GetStringAsync("/terms");

        foreach (var layer in LayerTaxonomy.Ids)
            Assert.Contains($"data-layer=\"{layer}\"", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/terms.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.Contains("<article class=\"tl-card\" id=\"api-exclusive-to-azure\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/terms.js")).StatusCode);
    }

    [Fact]
    public async Task The_terms_page_filters_by_layer_and_day_and_refuses_bad_values()
    {
        var html = await _client.GetStringAsync("/terms?layer=capital&as_of=2025-06-01");

        Assert.Contains("data-layer=\"capital\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-layer=\"infrastructure\"", html, StringComparison.Ordinal);
        Assert.Contains("as of 2025-06-01", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/terms?as_of=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/terms?layer=nope")).StatusCode);
    }

    [Fact]
    public async Task The_terms_are_served_as_json_with_their_states_and_quotes_up_to_the_day()
    {
        var json = await _client.GetFromJsonAsync<JsonObject>("/api/terms?as_of=2026-03-01");

        Assert.Equal("2026-03-01", (string?)json!["as_of"]);
        var layers = json["layers"]!.AsArray();
        Assert.Equal(LayerTaxonomy.Ids, layers.Select(l => (string)l!["id"]!));
        var api = layers.SelectMany(l => l!["terms"]!.AsArray()).Single(t => (string?)t!["id"] == "api-exclusive-to-azure")!;
        Assert.Equal("in_force", (string?)api["status"]);
        Assert.All(api["states"]!.AsArray(), s => Assert.True(string.CompareOrdinal((string)s!["from"]!, "2026-03-01") <= 0));
        var source = api["states"]![0]!["sources"]![0]!;
        Assert.False(string.IsNullOrEmpty((string?)source["quote"]));
        Assert.False(string.IsNullOrEmpty((string?)source["title"]));
        Assert.StartsWith("/sources/", (string?)source["source_page"], StringComparison.Ordinal);
        var bad = await _client.GetAsync("/api/terms?as_of=2026-13-01");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("as_of", (string?)(await bad.Content.ReadFromJsonAsync<JsonObject>())!["field"]);
    }
}
