using System.IO.Compression;

namespace Assistant.Cli;

/// <summary>Writes the Teams app package (manifest with the bot's app id, and the two icons) as a zip for upload.</summary>
internal static class TeamsPackage
{
    public const string Placeholder = "{{MICROSOFT_APP_ID}}";
    public static readonly string[] Files = ["manifest.json", "color.png", "outline.png"];

    public static void Write(string teamsDir, string appId, string output)
    {
        if (!Guid.TryParse(appId, out var id))
            throw new ArgumentException($"--app-id: '{appId}' is not a GUID (the Microsoft App ID of the Azure Bot registration)");
        foreach (var f in Files)
        {
            if (!File.Exists(Path.Combine(teamsDir, f)))
                throw new ArgumentException($"{Path.Combine(teamsDir, f)} not found");
        }
        var manifest = File.ReadAllText(Path.Combine(teamsDir, "manifest.json"));
        if (!manifest.Contains(Placeholder, StringComparison.Ordinal))
            throw new ArgumentException($"{teamsDir}/manifest.json has no {Placeholder} placeholder");
        using var stream = File.Create(output);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        using (var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open()))
            writer.Write(manifest.Replace(Placeholder, id.ToString("D"), StringComparison.Ordinal));
        foreach (var icon in Files.Skip(1))
            zip.CreateEntryFromFile(Path.Combine(teamsDir, icon), icon);
    }
}
