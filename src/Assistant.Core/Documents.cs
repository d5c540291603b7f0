namespace Assistant.Core;

/// <summary>How much a source can be trusted: a company's own words, named press, or a single weak source.</summary>
public enum Confidence
{
    Primary,
    Secondary,
    Low,
}

/// <summary>Metadata of one source document, as its front matter or sidecar states it.</summary>
public sealed record DocumentInfo
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required DateOnly Date { get; init; }
    public bool DateInferred { get; init; }
    public string? Publisher { get; init; }
    public string? Url { get; init; }
    public Confidence Confidence { get; init; } = Confidence.Secondary;
    public string Kind { get; init; } = "source";
    public IReadOnlyList<string> Layers { get; init; } = [];

    /// <summary>The file, relative to the repository root (forward slashes).</summary>
    public required string Path { get; init; }
}

/// <summary>A loaded document: metadata, the text that is chunked, and a hash of the file's bytes.</summary>
/// <param name="Text">The body (front matter removed); chunk offsets point into it.</param>
/// <param name="BodyOffset">Where <paramref name="Text"/> starts in the file, in characters.</param>
public sealed record SourceDocument(DocumentInfo Info, string Text, string ContentHash, int BodyOffset = 0);

/// <summary>A sentence inside a chunk: offsets into the document text and the layers it speaks about.</summary>
public sealed record SentenceSpan(int Start, int End, IReadOnlyList<string> Layers)
{
    public int Length => End - Start;
}

/// <summary>A retrievable piece of a document that never cuts a sentence or a bullet.</summary>
/// <param name="Section">Heading path, " > " separated.</param>
/// <param name="Start">Offset of the chunk in the document text.</param>
/// <param name="End">End offset (exclusive) in the document text.</param>
public sealed record Chunk(
    string DocId,
    int Ordinal,
    string Section,
    string Text,
    int Start,
    int End,
    IReadOnlyList<string> Layers,
    IReadOnlyList<SentenceSpan> Sentences)
{
    /// <summary>The sentence's text, cut from this chunk.</summary>
    public string SentenceText(SentenceSpan s) => Text.Substring(s.Start - Start, s.Length);
}

/// <summary>A chunk returned by a search, with its document and scores.</summary>
public sealed record Passage(Chunk Chunk, DocumentInfo Document, double Score, int? KeywordRank, int? DenseRank, double DenseSimilarity);
