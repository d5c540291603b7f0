namespace Assistant.Core;

/// <summary>Which index provider serves: the embedded SQLite file or Qdrant; bound from "Index__*" and "Qdrant__*".</summary>
public sealed class IndexSettings
{
    public const string Section = "Index";
    public const string Embedded = "embedded";
    public const string Qdrant = "qdrant";

    /// <summary>embedded (default) or qdrant.</summary>
    public string Provider { get; set; } = Embedded;

    public IndexSettings Validate()
    {
        Provider = Provider.Trim().ToLowerInvariant();
        if (Provider is not (Embedded or Qdrant))
            throw new ArgumentException($"{Section}__Provider must be '{Embedded}' or '{Qdrant}', not '{Provider}'");
        return this;
    }
}

/// <summary>Where the Qdrant index lives; bound from "Qdrant__Endpoint", "Qdrant__ApiKey", "Qdrant__Collection", "Qdrant__TimeoutSeconds".</summary>
public sealed class QdrantSettings
{
    public const string Section = "Qdrant";

    /// <summary>The gRPC endpoint, e.g. http://localhost:6334.</summary>
    public string Endpoint { get; set; } = "http://localhost:6334";

    public string? ApiKey { get; set; }

    /// <summary>The alias readers query; each build is a new collection named after it, swapped in under the alias.</summary>
    public string Collection { get; set; } = "assistant";

    /// <summary>Deadline of one gRPC call, in seconds.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    public QdrantSettings Validate()
    {
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"{Section}__Endpoint must be an http(s) URL of Qdrant's gRPC port (e.g. http://localhost:6334), not '{Endpoint}'");
        if (string.IsNullOrWhiteSpace(Collection) || Collection.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new ArgumentException($"{Section}__Collection must be letters, digits, '-' or '_', not '{Collection}'");
        if (TimeoutSeconds is < 0.1 or > 600)
            throw new ArgumentException($"{Section}__TimeoutSeconds must be between 0.1 and 600, not {TimeoutSeconds}");
        return this;
    }
}
