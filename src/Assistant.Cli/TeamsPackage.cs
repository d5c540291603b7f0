using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Assistant.Cli;

/// <summary>
/// Who publishes the Teams app: the manifest's developer block. A value left null keeps the manifest's placeholder
/// (example.com), which is fine for sideloading a test and not for publishing.
/// </summary>
internal sealed record TeamsPublisher(string? DeveloperName = null, string? WebsiteUrl = null, string? PrivacyUrl = null, string? TermsUrl = null)
{
    /// <summary>Longest developer name the Teams manifest schema accepts.</summary>
    public const int MaxNameLength = 32;

    public void Validate()
    {
        if (DeveloperName is not null && (DeveloperName.Trim().Length == 0 || DeveloperName.Length > MaxNameLength))
            throw new ArgumentException($"--developer-name: '{DeveloperName}' must be 1 to {MaxNameLength} characters (the limit of the Teams manifest)");
        Https("--website-url", WebsiteUrl);
        Https("--privacy-url", PrivacyUrl);
        Https("--terms-url", TermsUrl);
    }

    private static void Https(string flag, string? url)
    {
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme != Uri.UriSchemeHttps || url.Length > 2048))
            throw new ArgumentException($"{flag}: '{url}' is not an https:// URL (Teams requires https for the developer's pages)");
    }
}

/// <summary>Writes the Teams app package (manifest with the bot's app id and publisher, and the two icons) as a zip for upload.</summary>
internal static class TeamsPackage
{
    public const string Placeholder = "{{MICROSOFT_APP_ID}}";
    public static readonly string[] Files = ["manifest.json", "color.png", "outline.png"];

    /// <summary>The developer fields and the flags that set them.</summary>
    private static readonly (string Field, string Flag)[] DeveloperFields =
        [("name", "--developer-name"), ("websiteUrl", "--website-url"), ("privacyUrl", "--privacy-url"), ("termsOfUseUrl", "--terms-url")];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the package; returns warnings about placeholders still in the manifest (none when all is set).</summary>
    public static IReadOnlyList<string> Write(string teamsDir, string appId, string output, TeamsPublisher? publisher = null)
    {
        if (!Guid.TryParse(appId, out var id))
            throw new ArgumentException($"--app-id: '{appId}' is not a GUID (the Microsoft App ID of the Azure Bot registration)");
        publisher ??= new TeamsPublisher();
        publisher.Validate();
        foreach (var f in Files)
        {
            if (!File.Exists(Path.Combine(teamsDir, f)))
                throw new ArgumentException($"{Path.Combine(teamsDir, f)} not found");
        }
        var text = File.ReadAllText(Path.Combine(teamsDir, "manifest.json"));
        if (!text.Contains(Placeholder, StringComparison.Ordinal))
            throw new ArgumentException($"{teamsDir}/manifest.json has no {Placeholder} placeholder");
        var manifest = JsonNode.Parse(text.Replace(Placeholder, id.ToString("D"), StringComparison.Ordinal))!.AsObject();
        var developer = manifest["developer"] as JsonObject ?? throw new ArgumentException($"{teamsDir}/manifest.json has no developer block");
        string?[] values = [publisher.DeveloperName?.Trim(), publisher.WebsiteUrl, publisher.PrivacyUrl, publisher.TermsUrl];
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } value)
                developer[DeveloperFields[i].Field] = value;
        }

        using var stream = File.Create(output);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        using (var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open()))
            writer.Write(manifest.ToJsonString(Indented));
        foreach (var icon in Files.Skip(1))
            zip.CreateEntryFromFile(Path.Combine(teamsDir, icon), icon);
        return PlaceholderWarnings(developer);
    }

    /// <summary>One warning per developer field that still holds a placeholder (an example.com URL or a "(placeholder)" name).</summary>
    private static List<string> PlaceholderWarnings(JsonObject developer)
    {
        var warnings = new List<string>();
        foreach (var (field, flag) in DeveloperFields)
        {
            var value = developer[field]?.GetValue<string>() ?? "";
            var placeholder = field == "name"
                ? value.Contains("(placeholder)", StringComparison.OrdinalIgnoreCase)
                : Uri.TryCreate(value, UriKind.Absolute, out var u) && (u.Host == "example.com" || u.Host.EndsWith(".example.com", StringComparison.Ordinal));
            if (placeholder)
                warnings.Add($"developer.{field} is the placeholder '{value}': set it with {flag} before publishing the app");
        }
        return warnings;
    }
}
