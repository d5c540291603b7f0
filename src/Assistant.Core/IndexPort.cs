namespace Assistant.Core;

/// <summary>Which embedding model built an index; an index refuses queries embedded by another.</summary>
public sealed record IndexManifest(string EmbeddingModel, int Dimensions, DateTimeOffset BuiltAt, int SchemaVersion = 1);

/// <summary>A document as the index holds it, with the hash that decides whether it is re-embedded.</summary>
public sealed record IndexedDocument(DocumentInfo Info, string ContentHash, int Chunks);

/// <summary>A hybrid query: keywords and a dense vector, fused; optional layer and date filters.</summary>
public sealed record HybridQuery(string Text, ReadOnlyMemory<float> Vector, int Top = 10)
{
    /// <summary>Only chunks tagged with at least one of these layers (null = all).</summary>
    public IReadOnlyCollection<string>? Layers { get; init; }

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

    IReadOnlyList<Passage> Search(HybridQuery query);

    /// <summary>All chunks of one document in order (for context around a hit).</summary>
    IReadOnlyList<Chunk> ChunksOf(string docId);
}

/// <summary>Builds a new version of an index aside; nothing is visible to readers until <see cref="Commit"/>.</summary>
public interface IIndexBuilder : IDisposable
{
    IReadOnlyDictionary<string, string> ExistingHashes { get; }

    void Upsert(SourceDocument document, IReadOnlyList<Chunk> chunks, IReadOnlyList<ReadOnlyMemory<float>> vectors);

    void Delete(string docId);

    /// <summary>Chunks in the new version as it stands.</summary>
    int ChunkCount { get; }

    /// <summary>Swaps the new version in atomically.</summary>
    void Commit();
}

/// <summary>The index is missing, was built by another embedding model, or cannot be read.</summary>
public sealed class IndexUnavailableException(string message) : Exception(message);

/// <summary>Where an index lives: opens the current version for reading and builds the next one aside.</summary>
public interface IIndexStore
{
    /// <summary>A short description for messages ("SQLite file data/index.db").</summary>
    string Description { get; }

    /// <summary>The manifest of the current version, or null when there is none.</summary>
    IndexManifest? ReadManifest();

    /// <summary>Opens the current version; throws <see cref="IndexUnavailableException"/> when there is none.</summary>
    IPassageIndex Open();

    /// <summary>Starts the next version: a copy of the current one (or empty when <paramref name="fresh"/>).</summary>
    IIndexBuilder BeginBuild(IndexManifest manifest, bool fresh);
}
