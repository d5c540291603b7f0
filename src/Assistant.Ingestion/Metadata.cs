using System.Globalization;
using System.Text.RegularExpressions;
using Assistant.Core;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Assistant.Ingestion;

/// <summary>Metadata fields as written in front matter or a sidecar; every field optional until resolved.</summary>
public sealed class MetadataFields
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Date { get; set; }
    public bool? DateInferred { get; set; }
    public string? Publisher { get; set; }
    public string? Url { get; set; }
    public string? Confidence { get; set; }
    public string? Kind { get; set; }
    public List<string>? Layers { get; set; }

    /// <summary>Fills the fields this one lacks from <paramref name="fallback"/>.</summary>
    public MetadataFields Or(MetadataFields fallback) => new()
    {
        Id = Id ?? fallback.Id,
        Title = Title ?? fallback.Title,
        Date = Date ?? fallback.Date,
        DateInferred = DateInferred ?? fallback.DateInferred,
        Publisher = Publisher ?? fallback.Publisher,
        Url = Url ?? fallback.Url,
        Confidence = Confidence ?? fallback.Confidence,
        Kind = Kind ?? fallback.Kind,
        Layers = Layers ?? fallback.Layers,
    };
}

/// <summary>Parses YAML front matter and sidecars, and turns fields into a validated <see cref="DocumentInfo"/>.</summary>
public static partial class Metadata
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2})")]
    private static partial Regex LeadingDate();

    public static MetadataFields ParseYaml(string yaml, string path, string what)
    {
        try
        {
            return Yaml.Deserialize<MetadataFields>(yaml) ?? new MetadataFields();
        }
        catch (YamlException e)
        {
            throw new DocumentLoadException(path, $"broken {what}: {FirstLine(e.Message)} (line {e.Start.Line})", e);
        }
    }

    /// <summary>Splits "---\nyaml\n---\nbody"; returns null when the text has no front matter.</summary>
    public static (MetadataFields Fields, int BodyOffset)? ParseFrontMatter(string text, string path)
    {
        if (!text.StartsWith("---", StringComparison.Ordinal))
            return null;
        var firstEnd = text.IndexOf('\n');
        if (firstEnd < 0 || text[..firstEnd].Trim() != "---")
            return null;
        var close = -1;
        var pos = firstEnd + 1;
        while (pos < text.Length)
        {
            var end = text.IndexOf('\n', pos);
            var line = end < 0 ? text[pos..] : text[pos..end];
            if (line.TrimEnd() == "---")
            {
                close = pos;
                pos = end < 0 ? text.Length : end + 1;
                break;
            }
            pos = end < 0 ? text.Length : end + 1;
        }
        if (close < 0)
            throw new DocumentLoadException(path, "broken front matter: the opening '---' has no closing '---'");
        return (ParseYaml(text[(firstEnd + 1)..close], path, "front matter"), pos);
    }

    /// <summary>Fields the file name gives: id from the name, date from a leading YYYY-MM-DD.</summary>
    public static MetadataFields FromFileName(string path)
    {
        var name = Path.GetFileName(path);
        var dot = name.IndexOf('.');
        var stem = dot > 0 ? name[..dot] : name;
        var m = LeadingDate().Match(stem);
        return new MetadataFields
        {
            Id = Slug(stem),
            Date = m.Success ? m.Groups[1].Value : null,
        };
    }

    public static string Slug(string s)
    {
        var chars = s.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        return string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
    }

    public static DocumentInfo Resolve(MetadataFields f, string path, string relativePath)
    {
        if (string.IsNullOrWhiteSpace(f.Id))
            throw new DocumentLoadException(path, "field 'id' is missing");
        if (!IdPattern().IsMatch(f.Id))
            throw new DocumentLoadException(path, $"field 'id' ('{f.Id}') may only hold lower-case letters, digits, '.', '_' and '-'");
        if (string.IsNullOrWhiteSpace(f.Title))
            throw new DocumentLoadException(path, "field 'title' is missing");
        if (string.IsNullOrWhiteSpace(f.Date))
            throw new DocumentLoadException(path, "field 'date' is missing (add it to the front matter or sidecar, or start the file name with YYYY-MM-DD)");
        if (!Dates.TryParse(f.Date, out var date))
            throw new DocumentLoadException(path, $"field 'date' ('{f.Date}') is not a date of the form YYYY-MM-DD");
        var confidence = Core.Confidence.Secondary;
        if (f.Confidence is { } c && !Enum.TryParse(c, ignoreCase: true, out confidence))
            throw new DocumentLoadException(path, $"field 'confidence' ('{c}') must be primary, secondary or low");
        var url = string.IsNullOrWhiteSpace(f.Url) ? null : f.Url.Trim();
        // Citations render the url as a link (chat, reports): only web addresses, never javascript:, data: or file: ones.
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)))
            throw new DocumentLoadException(path, $"field 'url' ('{url}') must be an absolute http(s) URL");
        var layers = f.Layers ?? [];
        var unknown = layers.Where(l => !LayerTaxonomy.Ids.Contains(l)).ToList();
        if (unknown.Count > 0)
            throw new DocumentLoadException(path, $"field 'layers' has unknown layer(s): {string.Join(", ", unknown)}");
        return new DocumentInfo
        {
            Id = f.Id,
            Title = f.Title.Trim(),
            Date = date,
            DateInferred = f.DateInferred ?? false,
            Publisher = string.IsNullOrWhiteSpace(f.Publisher) ? null : f.Publisher.Trim(),
            Url = url,
            Confidence = confidence,
            Kind = string.IsNullOrWhiteSpace(f.Kind) ? "source" : f.Kind.Trim(),
            Layers = layers,
            Path = relativePath.Replace('\\', '/'),
        };
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
