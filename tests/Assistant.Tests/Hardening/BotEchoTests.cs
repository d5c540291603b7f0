using Assistant.Tests.Bot;

namespace Assistant.Tests.Hardening;

/// <summary>What a user typed never comes back from the bot as Markdown: no link, emphasis or HTML of the user's appears in a reply.</summary>
[Trait("Category", "Integration")]
public sealed class BotEchoTests(BotHostFactory factory) : IClassFixture<BotHostFactory>
{
    [Theory]
    [InlineData("/asof [the real date](https://evil.example/phish)")]
    [InlineData("/[click](https://evil.example/phish)")]
    [InlineData("/check")]
    [InlineData("Is [the statement](https://evil.example/phish) about <b>Azure</b> or **AWS** covered?")]
    [InlineData("Does xyzzy-corp [sign](https://evil.example/phish) with OpenAI?")]
    public async Task Replies_never_render_what_the_user_typed(string typed)
    {
        await factory.ReadyAsync();
        var dl = await DirectLineClient.StartAsync(factory.ClientFrom("192.0.2.80"));

        await dl.PostAsync(typed);

        var replies = (await dl.BotTextsAsync()).Skip(1).ToList(); // after the welcome
        Assert.NotEmpty(replies);
        Assert.All(replies, r =>
        {
            Assert.DoesNotContain("](https://evil.example", r, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>", r, StringComparison.Ordinal);
        });
    }
}
