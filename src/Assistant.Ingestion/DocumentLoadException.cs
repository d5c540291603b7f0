namespace Assistant.Ingestion;

/// <summary>A corpus file that cannot be ingested; the message names the file and the reason.</summary>
public sealed class DocumentLoadException(string path, string reason, Exception? inner = null)
    : Exception($"{path}: {reason}", inner)
{
    public string FilePath { get; } = path;

    public string Reason { get; } = reason;
}
