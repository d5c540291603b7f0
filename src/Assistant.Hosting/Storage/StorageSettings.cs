namespace Assistant.Hosting;

/// <summary>Where a host keeps what must outlive a turn — Bot Framework conversation state and the review log — bound from
/// "Storage__*": a local SQLite file (default) or Azure Storage shared by every replica.</summary>
public sealed class StorageSettings
{
    public const string Section = "Storage";
    public const string Sqlite = "sqlite";
    public const string Azure = "azure";

    /// <summary>sqlite (bot.db beside the index) or azure (Blob Storage for conversation state, Table Storage for the review log).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>An Azure Storage connection string (account key or SAS; Azurite's for tests); when empty, the service URIs
    /// are used with Entra ID (DefaultAzureCredential: the managed identity in Azure).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The account's blob endpoint, e.g. https://ACCOUNT.blob.core.windows.net/.</summary>
    public string? BlobServiceUri { get; set; }

    /// <summary>The account's table endpoint, e.g. https://ACCOUNT.table.core.windows.net/.</summary>
    public string? TableServiceUri { get; set; }

    /// <summary>The blob container that holds conversation state (created when missing).</summary>
    public string StateContainer { get; set; } = "botstate";

    /// <summary>The table that holds the review log (created when missing).</summary>
    public string ReviewTable { get; set; } = "reviewlog";

    public bool IsAzure => Provider == Azure;

    /// <summary>Normalises and checks every value; the message names the setting.</summary>
    public StorageSettings Validate()
    {
        Provider = (Provider ?? "").Trim().ToLowerInvariant();
        if (Provider is not (Sqlite or Azure))
            throw new ArgumentException($"{Section}__Provider must be '{Sqlite}' or '{Azure}', not '{Provider}'");
        if (!IsAzure)
            return this;
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            RequireUri(BlobServiceUri, nameof(BlobServiceUri));
            RequireUri(TableServiceUri, nameof(TableServiceUri));
        }
        if (StateContainer is not { Length: >= 3 and <= 63 } || !StateContainer.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || StateContainer[0] == '-' || StateContainer[^1] == '-' || StateContainer.Contains("--", StringComparison.Ordinal))
            throw new ArgumentException($"{Section}__StateContainer must be a blob container name (3-63 lowercase letters, digits and single hyphens), not '{StateContainer}'");
        if (ReviewTable is not { Length: >= 3 and <= 63 } || !char.IsAsciiLetter(ReviewTable[0]) || !ReviewTable.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException($"{Section}__ReviewTable must be a table name (3-63 letters and digits, starting with a letter), not '{ReviewTable}'");
        return this;
    }

    private static void RequireUri(string? value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"{Section}__{key} is required when {Section}__Provider is '{Azure}' (or set {Section}__ConnectionString)");
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"{Section}__{key} must be an http(s) URL, not '{value}'");
    }
}

/// <summary>How many replicas of the host may run and how they keep in step; bound from "Hosting__*".</summary>
public sealed class HostingSettings
{
    public const string Section = "Hosting";

    /// <summary>Most replicas that may serve at once (the deployment's maxReplicas); above 1, state must be shared.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>How often a host checks the index store for a version built elsewhere (another replica, `assistant ingest`)
    /// and serves it; 0 turns the check off.</summary>
    public double IndexRefreshSeconds { get; set; } = 30;

    public HostingSettings Validate()
    {
        if (Replicas is < 1 or > 1000)
            throw new ArgumentException($"{Section}__Replicas must be between 1 and 1000, not {Replicas}");
        if (IndexRefreshSeconds is < 0 or > 86_400 || (IndexRefreshSeconds > 0 && IndexRefreshSeconds < 0.1))
            throw new ArgumentException($"{Section}__IndexRefreshSeconds must be 0 (off) or between 0.1 and 86400, not {IndexRefreshSeconds}");
        return this;
    }
}
