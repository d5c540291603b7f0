using Assistant.Hosting;
using Assistant.Tests.Bot;

namespace Assistant.Tests.Storage;

[Trait("Category", "Unit")]
public sealed class StorageSettingsTests
{
    [Fact]
    public void Sqlite_is_the_default_and_needs_nothing_else() =>
        Assert.False(new StorageSettings().Validate().IsAzure);

    [Theory]
    [InlineData(null, "https://a.table.core.windows.net/", "Storage__BlobServiceUri is required when Storage__Provider is 'azure' (or set Storage__ConnectionString)")]
    [InlineData("https://a.blob.core.windows.net/", null, "Storage__TableServiceUri is required")]
    [InlineData("not a url", "https://a.table.core.windows.net/", "Storage__BlobServiceUri must be an http(s) URL")]
    public void Azure_without_a_connection_string_needs_both_service_uris(string? blob, string? table, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new StorageSettings { Provider = "Azure", BlobServiceUri = blob, TableServiceUri = table }.Validate());

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_with_service_uris_signs_in_and_with_a_connection_string_needs_no_uri()
    {
        Assert.True(new StorageSettings { Provider = "azure", BlobServiceUri = "https://a.blob.core.windows.net/", TableServiceUri = "https://a.table.core.windows.net/" }.Validate().IsAzure);
        Assert.True(new StorageSettings { Provider = "azure", ConnectionString = "UseDevelopmentStorage=true" }.Validate().IsAzure);
    }

    [Theory]
    [InlineData("Provider", "cosmos", "Storage__Provider must be 'sqlite' or 'azure'")]
    [InlineData("StateContainer", "Bot_State", "Storage__StateContainer must be a blob container name")]
    [InlineData("ReviewTable", "review-log", "Storage__ReviewTable must be a table name")]
    public void A_bad_value_is_refused_naming_the_setting(string key, string value, string message)
    {
        var settings = new StorageSettings { Provider = "azure", ConnectionString = "UseDevelopmentStorage=true" };
        typeof(StorageSettings).GetProperty(key)!.SetValue(settings, value);

        Assert.Contains(message, Assert.Throws<ArgumentException>(() => settings.Validate()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 30, "Hosting__Replicas must be between 1 and 1000")]
    [InlineData(2, -1, "Hosting__IndexRefreshSeconds must be 0 (off) or between 0.1 and 86400")]
    public void Hosting_values_are_checked(int replicas, double refresh, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => new HostingSettings { Replicas = replicas, IndexRefreshSeconds = refresh }.Validate()).Message, StringComparison.Ordinal);
}

/// <summary>The host with settings given by the test, started only to see whether it starts.</summary>
public sealed class ConfiguredBotHostFactory(Dictionary<string, string> settings) : BotHostFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => settings;
}

[Trait("Category", "Integration")]
public sealed class HostStartupTests
{
    private static string StartupError(Dictionary<string, string> settings)
    {
        using var host = new ConfiguredBotHostFactory(settings);
        return Assert.ThrowsAny<Exception>(() => host.CreateClient()).Message;
    }

    [Fact]
    public void More_than_one_replica_without_a_shared_Direct_Line_key_does_not_start()
    {
        var error = StartupError(new() { ["Hosting:Replicas"] = "2", ["Storage:Provider"] = "azure", ["Storage:ConnectionString"] = "UseDevelopmentStorage=true" });

        Assert.Contains("DirectLine__TokenSecret is required when Hosting__Replicas is 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_one_replica_with_local_state_does_not_start()
    {
        var error = StartupError(new() { ["Hosting:Replicas"] = "3", ["DirectLine:TokenSecret"] = new string('k', 32) });

        Assert.Contains("Storage__Provider must be 'azure' when Hosting__Replicas is 3", error, StringComparison.Ordinal);
        Assert.DoesNotContain("DirectLine__TokenSecret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_storage_without_its_endpoints_does_not_start()
    {
        var error = StartupError(new() { ["Storage:Provider"] = "azure" });

        Assert.Contains("Storage__BlobServiceUri is required", error, StringComparison.Ordinal);
    }
}
