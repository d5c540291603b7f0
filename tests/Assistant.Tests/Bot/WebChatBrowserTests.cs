using Assistant.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Bot;

/// <summary>The host on a real loopback port, so a browser can load the chat page.</summary>
public sealed class KestrelBotHostFactory : BotHostFactory
{
    public KestrelBotHostFactory() => UseKestrel(0);

    public Uri BaseAddress => new(ClientOptions.BaseAddress.GetLeftPart(UriPartial.Authority));
}

/// <summary>The generative host on a real loopback port, with a model that writes slowly enough to watch.</summary>
public sealed class KestrelGenerativeBotHostFactory : GenerativeBotHostFactory
{
    public KestrelGenerativeBotHostFactory()
    {
        UseKestrel(0);
        // Two sentences copied from sources 1 and 2, and between them a fabrication that must never be shown.
        Model.Reply = call => new ModelReply(call.CopyingReply("partly", 1,
            new JObject { ["text"] = Fabrication, ["sources"] = new JArray(1) },
            new JObject { ["text"] = call.SourceCount >= 2 ? call.SourceSentence(2) : "", ["sources"] = new JArray(2) }), Chunks: 10, ChunkDelayMs: 500);
    }

    public const string Fabrication = "Google Cloud now hosts every OpenAI model exclusively.";

    public Uri BaseAddress => new(ClientOptions.BaseAddress.GetLeftPart(UriPartial.Authority));
}

/// <summary>Opens the chat page in Debian's Chromium (CI installs it; elsewhere the tests say plainly why they did not run).</summary>
internal static class ChatPage
{
    private const string Chromium = "/usr/bin/chromium";

    public static void SkipWithoutBrowser() =>
        Skip.If(!File.Exists(Chromium) && Environment.GetEnvironmentVariable("CI") != "true", $"{Chromium} is not installed (apt-get install -y chromium)");

    /// <summary>The start of the bot's welcome, shown when a conversation starts.</summary>
    public const string Welcome = "Hi! I answer questions";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    /// <summary>A page in a browser context with the given colour scheme (what the operating system would report).</summary>
    public static async Task<IPage> NewPageAsync(IBrowser browser, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 }, ColorScheme = scheme });
        return await context.NewPageAsync();
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser, IPage Page, ILocator SendBox)> OpenAsync(Uri address, ColorScheme scheme = ColorScheme.Light)
    {
        var (playwright, browser) = await LaunchAsync();
        var page = await NewPageAsync(browser, scheme);
        await page.GotoAsync(address.ToString());
        var box = SendBox(page);
        await box.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await page.GetByText(Welcome).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        return (playwright, browser, page, box);
    }

    public static ILocator SendBox(IPage page) =>
        page.Locator("input[data-id='webchat-sendbox-input'], textarea[data-id='webchat-sendbox-input']").First;

    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var shots = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, name), FullPage = fullPage });
    }
}

[Trait("Category", "Browser")]
public sealed class WebChatBrowserTests(KestrelBotHostFactory factory) : IClassFixture<KestrelBotHostFactory>
{
    [SkippableFact]
    public async Task A_question_typed_in_web_chat_gets_a_cited_answer_and_follow_ups()
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        var (playwright, browser, page, box) = await ChatPage.OpenAsync(factory.BaseAddress);
        using var _ = playwright;
        await using var __ = browser;
        await box.FillAsync("How much did Amazon invest in OpenAI?");
        await box.PressAsync("Enter");

        await page.GetByText("$50 billion").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await ChatPage.ScreenshotAsync(page, "webchat-answer.png");
        // The citations render as Web Chat's source list under the answer.
        Assert.Contains("(2026-", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator(".webchat__suggested-action, .webchat__suggested-actions button").CountAsync() > 0, "no follow-up suggestion is shown");
        Assert.DoesNotContain("Send failed", await page.ContentAsync(), StringComparison.Ordinal);
    }
}

[Trait("Category", "Browser")]
public sealed class WebChatLivestreamTests(KestrelGenerativeBotHostFactory factory) : IClassFixture<KestrelGenerativeBotHostFactory>
{
    private async Task<ModelCall> WaitForAnswerCallAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            if (factory.Model.Calls.FirstOrDefault(c => c.WantsJson) is { } call)
                return call;
            await Task.Delay(100);
        }
        throw new TimeoutException("the model was never asked for an answer");
    }

    [SkippableFact]
    public async Task Web_chat_shows_a_generative_answer_sentence_by_sentence_then_the_cited_final_message()
    {
        ChatPage.SkipWithoutBrowser();
        await factory.ReadyAsync();
        var (playwright, browser, page, box) = await ChatPage.OpenAsync(factory.BaseAddress);
        using var _ = playwright;
        await using var __ = browser;

        await box.FillAsync("Can OpenAI models run on AWS?");
        await box.PressAsync("Enter");

        // The first verified sentence shows while the model is still writing the rest; the fabrication between never does.
        var call = await WaitForAnswerCallAsync();
        string first = call.SourceSentence(1), second = call.SourceSentence(2);
        await page.GetByText(first[..40]).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.DoesNotContain(second, await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByText(second[..40]).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await page.GetByText("(2026-").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await ChatPage.ScreenshotAsync(page, "webchat-livestream.png");
        Assert.DoesNotContain(KestrelGenerativeBotHostFactory.Fabrication, await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        // The interim activities were replaced by the final message, not left as bubbles of their own.
        Assert.Equal(1, await page.Locator(".webchat__bubble__content").Filter(new LocatorFilterOptions { HasText = first[..40] }).CountAsync());
        Assert.DoesNotContain("Send failed", await page.ContentAsync(), StringComparison.Ordinal);
    }
}
