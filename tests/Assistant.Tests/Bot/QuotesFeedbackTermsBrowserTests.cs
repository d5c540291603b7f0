using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Assistant.Core;
using Assistant.Hosting;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Assistant.Tests.Bot;

/// <summary>What people see of the sources and the terms: quotes in citation pop-ups, the source page, votes, the terms page.</summary>
[Trait("Category", "Browser")]
public sealed class QuotesFeedbackTermsBrowserTests(KestrelBotHostFactory factory) : IClassFixture<KestrelBotHostFactory>
{
    // Its answer on that day quotes the statement (no url) and a dated source with its original url.
    private const string Question = "Is the OpenAI API still exclusive to Azure?";
    private const string AsOf = "2026-03-01";

    private static readonly LocatorWaitForOptions Patiently = new() { Timeout = 30_000 };

    private static string Flat(string s) => string.Join(' ', s.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The citations the chat's answer will have: the same engine answers the API.</summary>
    private async Task<JsonArray> CitationsAsync()
    {
        var answer = await factory.CreateClient().PostAsJsonAsync("/api/ask", new { question = Question, as_of = AsOf });
        return (await answer.Content.ReadFromJsonAsync<JsonObject>())!["citations"]!.AsArray();
    }

    private static async Task AskAsync(IPage page, ILocator box, string text, string shows)
    {
        await box.FillAsync(text);
        await box.PressAsync("Enter");
        await page.GetByText(shows).First.WaitForAsync(Patiently);
    }

    /// <summary>Clicks citation [n] in the answer and returns the pop-up's text.</summary>
    private static async Task<string> OpenCitationAsync(IPage page, int n)
    {
        await page.Locator($"button.webchat__render-markdown__citation[value='cite:{n}']").First.ClickAsync();
        var dialog = page.Locator(".webchat__citation-modal-dialog");
        await dialog.WaitForAsync(Patiently);
        return await dialog.InnerTextAsync();
    }

    [SkippableTheory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task Clicking_a_citation_of_the_statement_or_of_a_url_source_shows_its_quote_and_the_source_page_highlights_it(ColorScheme scheme)
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        var citations = await CitationsAsync();
        var statement = citations.First(c => (string?)c!["doc_id"] == "microsoft-openai-statement" && c["url"] is null)!;
        var withUrl = citations.First(c => c!["url"] is not null)!;
        var (playwright, browser, page, box) = await ChatPage.OpenAsync(factory.BaseAddress, scheme);
        using var _ = playwright;
        await using var __ = browser;
        var mode = scheme.ToString().ToLowerInvariant();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await AskAsync(page, box, $"/asof {AsOf}", "answer as the sources stood on");
        await box.FillAsync(Question);
        await box.PressAsync("Enter");

        var popUp = await OpenCitationAsync(page, (int)statement["n"]!);

        await ChatPage.ScreenshotAsync(page, $"webchat-citation-statement-{mode}.png");
        await AssertAccessibleAsync(page);
        Assert.Contains(Flat((string)statement["quote"]!), Flat(popUp), StringComparison.Ordinal);
        Assert.Contains((string)statement["date"]!, popUp, StringComparison.Ordinal);
        // The transcript is still there behind the pop-up (clicking used to wipe it with a TypeError).
        Assert.Empty(errors);
        Assert.True(await page.Locator(".webchat__bubble__content").CountAsync() >= 2);

        // The pop-up's link opens the host's page of the document with the quote highlighted.
        var opened = page.Context.WaitForPageAsync();
        await page.Locator(".webchat__citation-modal-dialog").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Read it in the document" }).ClickAsync();
        var source = await opened;
        var mark = source.Locator("mark#quote");
        await mark.WaitForAsync(Patiently);
        await Assertions.Expect(mark).ToBeInViewportAsync();
        Assert.Contains(Flat((string)statement["quote"]!), Flat(string.Join(" ", await source.Locator("mark").AllInnerTextsAsync())), StringComparison.Ordinal);
        await ChatPage.ScreenshotAsync(source, $"source-page-{mode}.png", fullPage: false);
        await AssertAccessibleAsync(source);

        await page.Keyboard.PressAsync("Escape");
        await page.Locator(".webchat__citation-modal-dialog").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden, Timeout = 10_000 });
        popUp = await OpenCitationAsync(page, (int)withUrl["n"]!);

        await ChatPage.ScreenshotAsync(page, $"webchat-citation-url-source-{mode}.png");
        Assert.Contains(Flat((string)withUrl["quote"]!), Flat(popUp), StringComparison.Ordinal);
        Assert.Contains("Original at " + new Uri((string)withUrl["url"]!).Host, popUp, StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task A_dislike_pressed_under_an_answer_is_stored_with_the_question_for_the_review_queue()
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        const string question = "How much did Amazon invest in OpenAI?";
        var (playwright, browser, page, box) = await ChatPage.OpenAsync(factory.BaseAddress);
        using var _ = playwright;
        await using var __ = browser;
        await AskAsync(page, box, question, "$50 billion");
        var review = factory.Services.GetRequiredService<IReviewLog>();
        var before = (await review.FeedbackAsync()).Count;

        var dislike = page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Dislike" }).Last;
        await dislike.ClickAsync();

        await Assertions.Expect(dislike).ToHaveAttributeAsync("aria-pressed", "true");
        await ChatPage.ScreenshotAsync(page, "webchat-feedback.png");
        FeedbackRecord? stored = null;
        for (var i = 0; i < 100 && stored is null; i++)
        {
            stored = (await review.FeedbackAsync()).Skip(before).FirstOrDefault(f => f.Question == question);
            await Task.Delay(100);
        }
        Assert.NotNull(stored);
        Assert.Equal("dislike", stored.Reaction);
        Assert.Contains("$50 billion", stored.Answer, StringComparison.Ordinal);
        Assert.Contains(question, await ReviewReport.RenderAsync(review, null, "md"), StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task A_talking_point_check_shows_as_a_card_with_a_row_per_layer(ColorScheme scheme)
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        var (playwright, browser, page, box) = await ChatPage.OpenAsync(factory.BaseAddress, scheme);
        using var _ = playwright;
        await using var __ = browser;

        await box.FillAsync("/check OpenAI's core models run only on Azure.");
        await box.PressAsync("Enter");

        var card = page.Locator(".ac-adaptiveCard").Filter(new LocatorFilterOptions { HasText = "Talking-point check" });
        await card.WaitForAsync(Patiently);
        var text = await card.InnerTextAsync();
        Assert.Contains("Verdict:", text, StringComparison.Ordinal);
        Assert.Contains("Core infrastructure", text, StringComparison.Ordinal);
        Assert.Contains("Accurate version", text, StringComparison.Ordinal);
        await ChatPage.ScreenshotAsync(page, $"webchat-check-card-{scheme.ToString().ToLowerInvariant()}.png");
        await AssertAccessibleAsync(page);
    }

    [SkippableTheory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task The_terms_page_shows_every_layers_lane_opens_a_term_and_has_no_serious_accessibility_violations(ColorScheme scheme)
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        var (playwright, browser) = await ChatPage.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await ChatPage.NewPageAsync(browser, scheme);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);

        await page.GotoAsync(new Uri(factory.BaseAddress, "/terms").ToString());

        var lanes = page.Locator("svg.tl g.tl-lane");
        Assert.Equal(LayerTaxonomy.Ids, await lanes.EvaluateAllAsync<string[]>("ls => ls.map(l => l.dataset.layer)"));
        foreach (var name in await page.Locator("svg.tl .tl-lane-name").AllTextContentsAsync())
            Assert.False(string.IsNullOrWhiteSpace(name));
        Assert.True(await page.Locator("svg.tl a.tl-term").CountAsync() > 50);
        Assert.True(await page.Locator("svg.tl .tl-bar").CountAsync() > 50);
        await ChatPage.ScreenshotAsync(page, $"terms-{scheme.ToString().ToLowerInvariant()}.png", fullPage: false);
        await AssertAccessibleAsync(page);

        // A term opens its statement and quotes, from the keyboard too.
        await page.Locator("svg.tl a.tl-term[href='#api-exclusive-to-azure']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.Locator("dialog#tl-dialog[open]");
        await dialog.WaitForAsync(Patiently);
        var text = await dialog.InnerTextAsync();
        Assert.Contains("api-exclusive-to-azure", text, StringComparison.Ordinal);
        Assert.Contains("In force", text, StringComparison.Ordinal);
        Assert.True(await dialog.Locator("blockquote.tl-quote").CountAsync() > 0);
        Assert.EndsWith("#api-exclusive-to-azure", page.Url, StringComparison.Ordinal);
        await ChatPage.ScreenshotAsync(page, $"terms-open-{scheme.ToString().ToLowerInvariant()}.png", fullPage: false);
        await AssertAccessibleAsync(page);
        await page.Keyboard.PressAsync("Escape");
        await dialog.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task The_terms_page_filters_by_layer_and_day_and_a_link_to_a_term_opens_it()
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        var (playwright, browser) = await ChatPage.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await ChatPage.NewPageAsync(browser);
        await page.GotoAsync(new Uri(factory.BaseAddress, "/terms").ToString());

        await page.Locator("#tl-layer").SelectOptionAsync("capital");
        await page.Locator("#tl-asof").FillAsync("2026-03-01");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Show" }).ClickAsync();

        await page.WaitForURLAsync(url => url.Contains("layer=capital", StringComparison.Ordinal) && url.Contains("as_of=2026-03-01", StringComparison.Ordinal));
        Assert.Equal(new[] { "capital" }, await page.Locator("svg.tl g.tl-lane").EvaluateAllAsync<string[]>("ls => ls.map(l => l.dataset.layer)"));
        Assert.Equal(1, await page.Locator("svg.tl .tl-asof").CountAsync());

        await page.GotoAsync(new Uri(factory.BaseAddress, "/terms#amazon-invests-in-openai").ToString());
        await page.Locator("dialog#tl-dialog[open]").GetByText("amazon-invests-in-openai").WaitForAsync(Patiently);
    }

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var results = await page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target.ToString()))}")
            .ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
    }
}
