using System.Globalization;
using System.Text.RegularExpressions;
using Assistant.Bot.DirectLine;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Assistant.Tests.Bot;

/// <summary>What people see on the chat page: dark mode, a new conversation, accessibility, embedding on another origin.</summary>
[Trait("Category", "Browser")]
public sealed partial class ChatPageBrowserTests(KestrelBotHostFactory factory) : IClassFixture<KestrelBotHostFactory>
{
    private const string Question = "How much did Amazon invest in OpenAI?";
    private const string AnswerText = "$50 billion";

    [SkippableFact]
    public async Task In_dark_mode_the_page_and_the_transcript_are_dark()
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        var (playwright, browser, page, box) = await ChatPage.OpenAsync(factory.BaseAddress, ColorScheme.Dark);
        using var _ = playwright;
        await using var __ = browser;
        await AskAsync(page, box);

        await ChatPage.ScreenshotAsync(page, "webchat-dark.png");
        Assert.True(Luminance(await BackgroundAsync(page, "body")) < 0.05, "the page background is not dark");
        Assert.True(Luminance(await BackgroundAsync(page, Transcript)) < 0.05, "the transcript background is not dark");
        Assert.True(Luminance(await ColorAsync(page, BotBubbleText)) > 0.7, "the answer's text is not light on the dark bubble");
    }

    [SkippableFact]
    public async Task Web_chat_restyles_when_the_colour_scheme_changes_and_keeps_the_transcript()
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        var (playwright, browser, page, box) = await ChatPage.OpenAsync(factory.BaseAddress, ColorScheme.Light);
        using var _ = playwright;
        await using var __ = browser;
        await AskAsync(page, box);
        Assert.True(Luminance(await BackgroundAsync(page, Transcript)) > 0.9, "the transcript is not light in light mode");

        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });

        await WaitUntilAsync(async () => Luminance(await BackgroundAsync(page, Transcript)) < 0.05, "the transcript did not turn dark");
        Assert.Equal(1, await Bubbles(page, AnswerText).CountAsync());
    }

    [SkippableFact]
    public async Task New_conversation_clears_the_transcript_and_starts_with_a_new_welcome()
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        var (playwright, browser, page, box) = await ChatPage.OpenAsync(factory.BaseAddress);
        using var _ = playwright;
        await using var __ = browser;
        await AskAsync(page, box);
        var conversations = factory.Services.GetRequiredService<DirectLineConversations>();
        var before = conversations.Count;
        var warnings = new List<string>();
        page.Console += (_, m) => warnings.Add(m.Text);

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "New conversation" }).ClickAsync();

        await Bubbles(page, AnswerText).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = 30_000 });
        await Bubbles(page, ChatPage.Welcome).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Equal(1, await Bubbles(page, ChatPage.Welcome).CountAsync());
        Assert.Equal(0, await Bubbles(page, Question).CountAsync());
        Assert.Equal(before + 1, conversations.Count);
        Assert.Equal("New conversation started.", await page.Locator(".assistant-chat__announce[role='status']").TextContentAsync());
        // Web Chat warns about user ids with Direct Line's reserved "dl_" prefix.
        Assert.DoesNotContain(warnings, w => w.Contains("dl_", StringComparison.Ordinal));
        // The new conversation answers too.
        await AskAsync(page, ChatPage.SendBox(page));
    }

    [SkippableTheory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task The_page_with_an_answer_has_no_serious_or_critical_accessibility_violations(ColorScheme scheme)
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        var (playwright, browser, page, box) = await ChatPage.OpenAsync(factory.BaseAddress, scheme);
        using var _ = playwright;
        await using var __ = browser;
        await AskAsync(page, box);

        var results = await page.RunAxe();

        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target.ToString()))}")
            .ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
    }

    [SkippableFact]
    public async Task A_page_on_an_origin_that_is_not_allowed_names_the_setting_to_change()
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        await using var embed = await EmbedPage.StartAsync(factory.BaseAddress);
        var (playwright, browser) = await ChatPage.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await ChatPage.NewPageAsync(browser);

        await page.GotoAsync(embed.Address.ToString());

        var alert = page.GetByRole(AriaRole.Alert);
        await alert.GetByText("Cors__AllowedOrigins__N").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await ChatPage.ScreenshotAsync(page, "webchat-origin-not-allowed.png");
        var message = await alert.InnerTextAsync();
        Assert.Contains(embed.Address.GetLeftPart(UriPartial.Authority), message, StringComparison.Ordinal);
        Assert.Contains("not allowed", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed to fetch", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
    }

    // Web Chat's root carries the backgroundColor style option; its transcript is the role="log" region inside it.
    private const string Transcript = ".webchat__basic-transcript";
    private const string BotBubbleText = ".webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content";

    private static ILocator Bubbles(IPage page, string text) =>
        page.Locator(".webchat__bubble__content").Filter(new LocatorFilterOptions { HasText = text });

    private static async Task AskAsync(IPage page, ILocator box)
    {
        await box.FillAsync(Question);
        await box.PressAsync("Enter");
        await page.GetByText(AnswerText).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
    }

    /// <summary>The first opaque background colour from the element up through its ancestors.</summary>
    private static Task<string> BackgroundAsync(IPage page, string selector) =>
        page.Locator(selector).First.EvaluateAsync<string>(
            "e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; }");

    private static Task<string> ColorAsync(IPage page, string selector) =>
        page.Locator(selector).First.EvaluateAsync<string>("e => getComputedStyle(e).color");

    /// <summary>WCAG relative luminance of a computed "rgb(r, g, b)" colour: 0 is black, 1 is white.</summary>
    private static double Luminance(string css)
    {
        var m = RgbPattern().Match(css);
        Assert.True(m.Success, $"not an rgb() colour: {css}");
        double Channel(int i)
        {
            var c = double.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) / 255;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return (0.2126 * Channel(1)) + (0.7152 * Channel(2)) + (0.0722 * Channel(3));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
                return;
            await Task.Delay(100);
        }
        Assert.Fail(failure);
    }

    [GeneratedRegex(@"rgba?\((\d+(?:\.\d+)?), (\d+(?:\.\d+)?), (\d+(?:\.\d+)?)")]
    private static partial Regex RgbPattern();
}

/// <summary>An intranet page on another loopback origin that embeds the chat with the host's embed script.</summary>
internal sealed class EmbedPage : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbedPage(WebApplication app) => _app = app;

    public Uri Address => new(_app.Urls.First() + "/");

    public static async Task<EmbedPage> StartAsync(Uri assistantHost)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var host = assistantHost.GetLeftPart(UriPartial.Authority);
        app.MapGet("/", () => Results.Content($"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Intranet</title></head>
            <body>
              <main>
                <h1>Intranet</h1>
                <div id="assistant-chat" style="height: 600px"></div>
              </main>
              <script src="{host}/webchat/config.js"></script>
              <script src="{host}/webchat/webchat.js"></script>
              <script src="{host}/webchat/embed.js"></script>
            </body>
            </html>
            """, "text/html"));
        await app.StartAsync();
        return new EmbedPage(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
