using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Assistant.Cli;

namespace Assistant.Tests;

[Trait("Category", "Unit")]
public sealed class TeamsManifestTests : IDisposable
{
    private const string AppId = "11111111-2222-3333-4444-555555555555";
    private static readonly string TeamsDir = Path.Combine(RepoPaths.Root, "bot", "teams");
    private readonly string _dir = Directory.CreateTempSubdirectory("assistant-teams-").FullName;

    private static readonly TeamsPublisher Contoso = new("Contoso IT", "https://contoso.com/assistant", "https://contoso.com/privacy", "https://contoso.com/terms");

    [Fact]
    public void The_developer_flags_fill_the_developer_block_and_leave_no_warning()
    {
        var warnings = TeamsPackage.Write(TeamsDir, AppId, Zip, Contoso);

        var developer = Manifest()["developer"]!;
        Assert.Equal("Contoso IT", (string?)developer["name"]);
        Assert.Equal("https://contoso.com/assistant", (string?)developer["websiteUrl"]);
        Assert.Equal("https://contoso.com/privacy", (string?)developer["privacyUrl"]);
        Assert.Equal("https://contoso.com/terms", (string?)developer["termsOfUseUrl"]);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Without_developer_flags_each_placeholder_is_warned_about_with_the_flag_that_sets_it()
    {
        var warnings = TeamsPackage.Write(TeamsDir, AppId, Zip);

        Assert.Equal(4, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("--developer-name", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("--website-url", StringComparison.Ordinal) && w.Contains("example.com", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("--privacy-url", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("--terms-url", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://contoso.com/privacy")]
    [InlineData("contoso.com/privacy")]
    [InlineData("")]
    public void A_developer_url_that_is_not_https_is_refused(string url)
    {
        var e = Assert.Throws<ArgumentException>(() => TeamsPackage.Write(TeamsDir, AppId, Zip, Contoso with { PrivacyUrl = url }));

        Assert.StartsWith("--privacy-url", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_developer_name_longer_than_the_manifest_allows_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => TeamsPackage.Write(TeamsDir, AppId, Zip, Contoso with { DeveloperName = new string('x', 33) }));

        Assert.StartsWith("--developer-name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_asks_for_no_permissions_it_does_not_use()
    {
        TeamsPackage.Write(TeamsDir, AppId, Zip, Contoso);

        Assert.Null(Manifest()["permissions"]);
    }

    [Fact]
    public async Task The_teams_package_command_passes_its_flags_to_the_manifest()
    {
        var exit = await CliApp.Build().Parse([
            "teams-package", "--app-id", AppId, "--out", Zip, "--teams-dir", TeamsDir,
            "--developer-name", "Contoso IT", "--website-url", "https://contoso.com/assistant",
            "--privacy-url", "https://contoso.com/privacy", "--terms-url", "https://contoso.com/terms",
            "--corpus", RepoPaths.Corpus, "--index", Path.Combine(_dir, "index.db")]).InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Equal("https://contoso.com/terms", (string?)Manifest()["developer"]!["termsOfUseUrl"]);
    }

    private string Zip => Path.Combine(_dir, "app.zip");

    private JsonNode Manifest()
    {
        using var zip = ZipFile.OpenRead(Zip);
        using var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open());
        return JsonNode.Parse(reader.ReadToEnd())!;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

/// <summary>The packaged manifest against the JSON schema of its manifestVersion from npm @microsoft/app-manifest (installed by the host's build).</summary>
[Trait("Category", "Integration")]
public sealed class TeamsManifestSchemaTests : IDisposable
{
    private static readonly string Validator = Path.Combine(RepoPaths.Root, "bot", "teams", "validate-manifest.mjs");
    private readonly string _dir = Directory.CreateTempSubdirectory("assistant-teams-schema-").FullName;

    [Fact]
    public async Task The_packaged_manifest_is_valid_against_the_schema_of_its_manifest_version()
    {
        var zip = Path.Combine(_dir, "app.zip");
        TeamsPackage.Write(Path.Combine(RepoPaths.Root, "bot", "teams"), "11111111-2222-3333-4444-555555555555", zip,
            new TeamsPublisher("Contoso IT", "https://contoso.com/assistant", "https://contoso.com/privacy", "https://contoso.com/terms"));
        ZipFile.ExtractToDirectory(zip, Path.Combine(_dir, "app"));

        var (exit, output) = await ValidateAsync(Path.Combine(_dir, "app", "manifest.json"));

        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task The_validator_refuses_a_manifest_that_breaks_its_schema()
    {
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "bot", "teams", "manifest.json")))!;
        manifest["permissions"] = new JsonArray("identity", "readEveryonesMail");
        var path = Path.Combine(_dir, "manifest.json");
        await File.WriteAllTextAsync(path, manifest.ToJsonString());

        var (exit, output) = await ValidateAsync(path);

        Assert.Equal(1, exit);
        Assert.Contains("/permissions/1", output, StringComparison.Ordinal);
        Assert.Contains("/id must match pattern", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> ValidateAsync(string manifest)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(Validator);
        start.ArgumentList.Add(manifest);
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await node.WaitForExitAsync(timeout.Token);
        return (node.ExitCode, await stdout + await stderr);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
