using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Assistant.Bot.DirectLine;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Tests.Bot;

[Trait("Category", "Integration")]
public sealed class DirectLineUserIdTests(BotHostFactory factory) : IClassFixture<BotHostFactory>
{
    [Fact]
    public async Task A_token_asked_for_without_a_user_id_gets_one_without_the_reserved_dl_prefix()
    {
        await factory.ReadyAsync();
        var client = factory.CreateClient();

        var generated = await (await client.PostAsync("/v3/directline/tokens/generate", content: null)).Content.ReadFromJsonAsync<JsonObject>();

        var grant = factory.Services.GetRequiredService<DirectLineTokens>().Validate((string?)generated!["token"]);
        Assert.NotNull(grant);
        Assert.StartsWith("user-", grant.UserId, StringComparison.Ordinal);
    }
}
