using Assistant.Core;

namespace Assistant.Tests;

/// <summary>Start-up validation: each bad value stops the program with the setting's name.</summary>
[Trait("Category", "Unit")]
public sealed class SettingsTests
{
    [Theory]
    [InlineData("ftp://example.com", "gpt", "AzureOpenAI__Endpoint")]
    [InlineData("http://example.com", "gpt", "AzureOpenAI__Endpoint")]
    [InlineData("https://x.openai.azure.com/", null, "AzureOpenAI__ChatDeployment")]
    [InlineData(null, "gpt", "AzureOpenAI__Endpoint")]
    public void Bad_azure_openai_settings_name_the_key(string? endpoint, string? chat, string key)
    {
        var e = Assert.Throws<ArgumentException>(() => new AzureOpenAISettings { Endpoint = endpoint, ChatDeployment = chat }.Validate());
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_openai_limits_are_checked()
    {
        var e = Assert.Throws<ArgumentException>(() => new AzureOpenAISettings { Endpoint = "https://x.openai.azure.com/", ChatDeployment = "c", MaxRetries = 50 }.Validate());
        Assert.Contains("AzureOpenAI__MaxRetries", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_azure_openai_settings_mean_extractive_mode()
    {
        var s = new AzureOpenAISettings().Validate();
        Assert.False(s.GenerativeEnabled);
        Assert.False(s.EmbeddingsEnabled);
    }

    [Theory]
    [InlineData("sqlite", "Index__Provider")]
    [InlineData("", "Index__Provider")]
    public void An_unknown_index_provider_names_the_key(string provider, string key) =>
        Assert.Contains(key, Assert.Throws<ArgumentException>(() => new IndexSettings { Provider = provider }.Validate()).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("localhost:6334", "assistant", "Qdrant__Endpoint")]
    [InlineData("http://localhost:6334", "bad name!", "Qdrant__Collection")]
    public void Bad_qdrant_settings_name_the_key(string endpoint, string collection, string key) =>
        Assert.Contains(key, Assert.Throws<ArgumentException>(() => new QdrantSettings { Endpoint = endpoint, Collection = collection }.Validate()).Message, StringComparison.Ordinal);
}
