using Assistant.Core.Ledger;

namespace Assistant.Core;

/// <summary>Which embedding model built an index; an index refuses queries embedded by another.</summary>
public sealed record IndexManifest(string EmbeddingModel, int Dimensions, DateTimeOffset BuiltAt, int SchemaVersion = 1);

/// <summary>A document as the index holds it, with the hash that decides whether it is re-embedded.</summary>
public sealed record IndexedDocument(DocumentInfo Info, string ContentHash, int Chunks);

/// <summary>A hybrid query: keywords and a dense vector, fused; an optional date filter.</summary>
public sealed record HybridQuery(string Text, ReadOnlyMemory<float> Vector, int Top = 10)
{
    /// <summary>Only documents dated on or before this day (null = all).</summary>
    public DateOnly? AsOf { get; init; }

    /// <summary>Candidates taken from each ranking before fusion.</summary>
    public int Candidates { get; init; } = 50;
}

/// <summary>The index port: the embedded SQLite store and Qdrant both implement it.</summary>
public interface IPassageIndex : IDisposable
{
    /// <summary>Null when no index has been built yet.</summary>
    IndexManifest? Manifest { get; }

    IReadOnlyList<IndexedDocument> Documents { get; }

    int ChunkCount { get; }

    Task<IReadOnlyList<Passage>> SearchAsync(HybridQuery query, CancellationToken ct = default);

    /// <summary>All chunks of one document in order (for context around a hit); a store may read them only when asked.</summary>
    IReadOnlyList<Chunk> ChunksOf(string docId);

    /// <summary>The statistics of all the passages, counted at ingest (read without reading the chunks).</summary>
    IndexStatistics Statistics { get; }

    /// <summary>Every document with its chunks and their vectors, for copying the index into another store without embedding again.</summary>
    IAsyncEnumerable<IndexedContent> ExportAsync(CancellationToken ct = default);

    /// <summary>The terms ledger this version was built with (validated against its documents at ingest).</summary>
    TermsLedger Ledger { get; }

    /// <summary>Every term's statement and phrasings with their vectors, for matching questions to terms.</summary>
    IReadOnlyList<TermVector> TermVectors { get; }
}

/// <summary>A term's statement or one of its phrasings, embedded.</summary>
public sealed record TermVector(string TermId, string Text, ReadOnlyMemory<float> Vector);

/// <summary>One document of an index with its chunks and their vectors (as <see cref="IPassageIndex.ExportAsync"/> yields them).</summary>
public sealed record IndexedContent(IndexedDocument Document, IReadOnlyList<Chunk> Chunks, IReadOnlyList<ReadOnlyMemory<float>> Vectors);

/// <summary>Builds a new version of an index aside; nothing is visible to readers until <see cref="Commit"/>.</summary>
/// <remarks>Disposing a builder that was not committed discards the new version.</remarks>
public interface IIndexBuilder : IAsyncDisposable
{
    IReadOnlyDictionary<string, string> ExistingHashes { get; }

    Task UpsertAsync(SourceDocument document, IReadOnlyList<Chunk> chunks, IReadOnlyList<ReadOnlyMemory<float>> vectors, CancellationToken ct = default);

    Task DeleteAsync(string docId, CancellationToken ct = default);

    /// <summary>Chunks in the new version as it stands.</summary>
    int ChunkCount { get; }

    /// <summary>The version of the terms the current version holds (null when none): unchanged terms are not embedded again.</summary>
    string? ExistingLedgerHash { get; }

    /// <summary>Replaces the terms ledger and its vectors (one per statement and phrasing, in <see cref="Term.Texts"/> order),
    /// recording <paramref name="version"/> (the ledger's hash with whatever else changes how its wordings are embedded).</summary>
    Task ReplaceTermsAsync(TermsLedger ledger, IReadOnlyList<TermVector> vectors, string version, CancellationToken ct = default);

    /// <summary>Stores the statistics of all the new version's passages with it and swaps it in atomically.</summary>
    Task CommitAsync(IndexStatistics statistics, CancellationToken ct = default);
}

/// <summary>The index is missing, was built by another embedding model, or cannot be read.</summary>
/// <remarks>Every store throws this type (and only this type) for these cases; the conformance suite pins it.</remarks>
public class IndexUnavailableException(string message) : Exception(message);

/// <summary>A vector does not have the index's dimensions: the query or the build uses another embedding model.</summary>
public sealed class EmbeddingMismatchException(int given, IndexManifest manifest)
    : IndexUnavailableException($"The vector has {given} dimensions; the index was built with {manifest.EmbeddingModel} ({manifest.Dimensions}). Run `assistant ingest` to rebuild it with the configured model.");

/// <summary>Where an index lives: opens the current version for reading and builds the next one aside.</summary>
public interface IIndexStore
{
    /// <summary>A short description for messages ("SQLite file data/index.db").</summary>
    string Description { get; }

    /// <summary>The manifest of the current version, or null when there is none.</summary>
    Task<IndexManifest?> ReadManifestAsync(CancellationToken ct = default);

    /// <summary>Opens the current version; throws <see cref="IndexUnavailableException"/> when there is none.</summary>
    Task<IPassageIndex> OpenAsync(CancellationToken ct = default);

    /// <summary>Starts the next version: a copy of the current one (or empty when <paramref name="fresh"/>).</summary>
    Task<IIndexBuilder> BeginBuildAsync(IndexManifest manifest, bool fresh, CancellationToken ct = default);
}
