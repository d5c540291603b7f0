using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Assistant.Tests.Deployment;

/// <summary>
/// The Azure template (bot/infra/main.bicep) compiles and lints clean with the Bicep CLI from NuGet, and the compiled
/// ARM JSON declares every resource and every setting the deployment relies on.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class BicepTemplateTests
{
    private static readonly string Template = Path.Combine(RepoPaths.Root, "bot", "infra", "main.bicep");
    private static readonly Lazy<Task<JsonObject>> Compiled = new(CompileAsync);

    [Fact]
    public async Task The_template_compiles_without_warnings()
    {
        var build = await BicepAsync("build", Template, "--stdout");

        Assert.True(build.ExitCode == 0, build.Describe("bicep build"));
        Assert.Empty(Diagnostics(build.Errors));
        Assert.NotNull(JsonNode.Parse(build.Output));
    }

    [Fact]
    public async Task The_template_passes_the_linter()
    {
        var lint = await BicepAsync("lint", Template);

        Assert.True(lint.ExitCode == 0, lint.Describe("bicep lint"));
        Assert.Empty(Diagnostics(lint.Output + lint.Errors));
    }

    [Theory]
    [InlineData("Microsoft.OperationalInsights/workspaces")]
    [InlineData("Microsoft.Insights/components")]
    [InlineData("Microsoft.ManagedIdentity/userAssignedIdentities")]
    [InlineData("Microsoft.KeyVault/vaults")]
    [InlineData("Microsoft.KeyVault/vaults/secrets")]
    [InlineData("Microsoft.Storage/storageAccounts")]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices/containers")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices/tables")]
    [InlineData("Microsoft.Storage/storageAccounts/fileServices/shares")]
    [InlineData("Microsoft.Authorization/roleAssignments")]
    [InlineData("Microsoft.CognitiveServices/accounts")]
    [InlineData("Microsoft.CognitiveServices/accounts/deployments")]
    [InlineData("Microsoft.ContainerRegistry/registries")]
    [InlineData("Microsoft.App/managedEnvironments")]
    [InlineData("Microsoft.App/managedEnvironments/storages")]
    [InlineData("Microsoft.App/containerApps")]
    [InlineData("Microsoft.BotService/botServices")]
    [InlineData("Microsoft.BotService/botServices/channels")]
    public async Task The_compiled_template_declares(string resourceType)
    {
        var types = Resources(await Compiled.Value).Select(r => (string?)r["type"]).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.Contains(resourceType, types);
    }

    [Theory]
    [InlineData("ba92f5b4-2d11-453d-a403-e96b0029c9fe")] // Storage Blob Data Contributor
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3")] // Storage Table Data Contributor
    [InlineData("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd")] // Cognitive Services OpenAI User
    [InlineData("4633458b-17de-408a-b874-0445c86b69e6")] // Key Vault Secrets User
    [InlineData("7f951dda-4ed3-4680-a7ca-43fe172d538d")] // AcrPull
    public async Task The_identity_is_granted_the_role(string roleDefinitionId)
    {
        var granted = Resources(await Compiled.Value)
            .Where(r => (string?)r["type"] == "Microsoft.Authorization/roleAssignments")
            .Select(RoleOf);

        Assert.Contains(granted, g => g.Contains(roleDefinitionId, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("Index__Provider")]
    [InlineData("Qdrant__Endpoint")]
    [InlineData("AzureOpenAI__Endpoint")]
    [InlineData("AzureOpenAI__ChatDeployment")]
    [InlineData("AzureOpenAI__EmbeddingDeployment")]
    [InlineData("AZURE_CLIENT_ID")]
    [InlineData("MicrosoftAppType")]
    [InlineData("MicrosoftAppId")]
    [InlineData("MicrosoftAppTenantId")]
    [InlineData("Storage__Provider")]
    [InlineData("Storage__BlobServiceUri")]
    [InlineData("Storage__TableServiceUri")]
    [InlineData("Storage__StateContainer")]
    [InlineData("Storage__ReviewTable")]
    [InlineData("Hosting__Replicas")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING")]
    [InlineData("ASPNETCORE_URLS")]
    public async Task The_host_gets_the_setting_as_a_value(string name)
    {
        var setting = Assert.Single(HostSettings(await Compiled.Value), e => (string?)e["name"] == name);

        Assert.NotNull(setting["value"]);
        Assert.Null(setting["secretRef"]);
    }

    [Theory]
    [InlineData("Qdrant__ApiKey")]
    [InlineData("DirectLine__TokenSecret")]
    public async Task The_host_gets_the_secret_from_Key_Vault(string name)
    {
        var template = await Compiled.Value;
        var setting = Assert.Single(HostSettings(template), e => (string?)e["name"] == name);
        var secretName = (string?)setting["secretRef"];
        Assert.Null(setting["value"]);

        var secret = Assert.Single(HostApp(template)["properties"]!["configuration"]!["secrets"]!.AsArray(), s => (string?)s!["name"] == secretName)!;
        Assert.NotNull(secret["keyVaultUrl"]);
        Assert.NotNull(secret["identity"]);
        Assert.Null(secret["value"]);
    }

    [Fact]
    public async Task The_host_does_not_accept_anonymous_calls_on_its_public_address()
    {
        var names = HostSettings(await Compiled.Value).Select(e => (string?)e["name"]);

        Assert.DoesNotContain("Hosting__AllowAnonymousOnPublicAddress", names);
    }

    [Fact]
    public async Task The_bot_signs_in_as_the_user_assigned_identity()
    {
        var bot = Assert.Single(Resources(await Compiled.Value), r => (string?)r["type"] == "Microsoft.BotService/botServices");

        Assert.Equal("azurebot", (string?)bot["kind"]);
        Assert.Equal("UserAssignedMSI", (string?)bot["properties"]!["msaAppType"]);
        var channels = Resources(await Compiled.Value)
            .Where(r => (string?)r["type"] == "Microsoft.BotService/botServices/channels")
            .Select(r => (string)r["properties"]!["channelName"]!);
        Assert.Equal(new[] { "DirectLineChannel", "MsTeamsChannel" }, channels.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("APP_URL")]
    [InlineData("BOT_NAME")]
    [InlineData("IDENTITY_CLIENT_ID")]
    [InlineData("STORAGE_ACCOUNT_NAME")]
    public async Task The_deployment_outputs(string name)
    {
        var outputs = (await Compiled.Value)["outputs"]!.AsObject();

        Assert.Equal("string", (string?)outputs[name]?["type"]);
    }

    [Fact]
    public async Task No_output_of_the_template_or_its_modules_is_a_secure_value()
    {
        var outputs = Outputs(await Compiled.Value).ToList();

        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.DoesNotContain("secure", (string?)o["type"] ?? "", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Diagnostic lines: "file(line,col) : Warning|Error CODE: message".</summary>
    private static List<string> Diagnostics(string text) =>
        text.Split('\n').Where(line => DiagnosticLine().IsMatch(line)).ToList();

    [GeneratedRegex(@"\b(Warning|Error)\b")]
    private static partial Regex DiagnosticLine();

    private static async Task<JsonObject> CompileAsync()
    {
        var build = await BicepAsync("build", Template, "--stdout");
        Assert.True(build.ExitCode == 0, build.Describe("bicep build"));
        return JsonNode.Parse(build.Output)!.AsObject();
    }

    /// <summary>Every resource of the template and of its nested module deployments.</summary>
    private static IEnumerable<JsonObject> Resources(JsonNode? node) => node switch
    {
        JsonObject o when o["type"] is JsonValue && o.ContainsKey("apiVersion") => [o, .. o.SelectMany(p => Resources(p.Value))],
        JsonObject o => o.SelectMany(p => Resources(p.Value)),
        JsonArray a => a.SelectMany(Resources),
        _ => [],
    };

    /// <summary>A role assignment's role definition id, with the variables of its (module) template filled in.</summary>
    private static string RoleOf(JsonObject assignment)
    {
        var expression = (string)assignment["properties"]!["roleDefinitionId"]!;
        var template = Ancestors(assignment).OfType<JsonObject>().First(o => o.ContainsKey("$schema"));
        return VariableReference().Replace(expression, m => (string?)template["variables"]?[m.Groups[1].Value] ?? m.Value);
    }

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex VariableReference();

    private static IEnumerable<JsonNode> Ancestors(JsonNode node)
    {
        for (var parent = node.Parent; parent is not null; parent = parent.Parent)
            yield return parent;
    }

    /// <summary>Every output, of the template and of its modules.</summary>
    private static IEnumerable<JsonObject> Outputs(JsonNode? node) => node switch
    {
        JsonObject o => (o["outputs"] is JsonObject outputs ? outputs.Select(p => p.Value).OfType<JsonObject>() : [])
            .Concat(o.Where(p => p.Key != "outputs").SelectMany(p => Outputs(p.Value))),
        JsonArray a => a.SelectMany(Outputs),
        _ => [],
    };

    /// <summary>The container app that runs the host (tagged azd-service-name: assistant).</summary>
    private static JsonObject HostApp(JsonObject template) => Assert.Single(Resources(template),
        r => (string?)r["type"] == "Microsoft.App/containerApps" && r["tags"]?.ToJsonString().Contains("azd-service-name", StringComparison.Ordinal) == true);

    private static IEnumerable<JsonObject> HostSettings(JsonObject template) =>
        HostApp(template)["properties"]!["template"]!["containers"]!.AsArray()
            .Single(c => (string?)c!["name"] == "assistant")!["env"]!.AsArray().OfType<JsonObject>();

    private static Task<CommandResult> BicepAsync(params string[] arguments) =>
        CommandLine.RunAsync(BicepCli.Path.Value, arguments, TimeSpan.FromMinutes(2));

    /// <summary>The bicep executable of the Azure.Bicep.CommandLine.linux-x64 package that the test project downloads.</summary>
    private static class BicepCli
    {
        public static readonly Lazy<string> Path = new(Find);

        private static string Find()
        {
            var metadata = typeof(BicepTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
            var version = metadata["BicepCliVersion"]!;
            var roots = new[]
            {
                metadata.GetValueOrDefault("NuGetPackageRoot"),
                Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
                System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            };
            var folder = roots.Where(r => !string.IsNullOrEmpty(r))
                .Select(r => System.IO.Path.Combine(r!, "azure.bicep.commandline.linux-x64", version))
                .FirstOrDefault(Directory.Exists)
                ?? throw new InvalidOperationException($"Azure.Bicep.CommandLine.linux-x64 {version} is not in the NuGet package folder: restore the test project");
            var bicep = Directory.EnumerateFiles(folder, "bicep", SearchOption.AllDirectories).FirstOrDefault()
                ?? throw new InvalidOperationException($"no bicep executable under {folder}");
            if (!OperatingSystem.IsLinux())
                throw new PlatformNotSupportedException("the test project downloads the linux-x64 Bicep CLI");
            // NuGet may extract the file without its execute bits.
            var mode = File.GetUnixFileMode(bicep);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
                File.SetUnixFileMode(bicep, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            return bicep;
        }
    }
}
