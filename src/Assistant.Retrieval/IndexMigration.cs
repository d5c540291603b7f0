using Assistant.Core;

namespace Assistant.Retrieval;

/// <summary>Copies an embedded index into another store (Qdrant) with its vectors: nothing is embedded again.</summary>
public static class IndexMigration
{
    /// <summary>Builds a fresh version in <paramref name="target"/> from <paramref name="source"/> and swaps it in; returns the chunks copied.</summary>
    public static async Task<int> CopyAsync(SqliteIndex source, IIndexStore target, IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var manifest = source.Manifest! with { BuiltAt = DateTimeOffset.UtcNow };
        await using var builder = await target.BeginBuildAsync(manifest, fresh: true, ct).ConfigureAwait(false);
        var done = 0;
        foreach (var (document, chunks, vectors) in source.Export())
        {
            await builder.UpsertAsync(new SourceDocument(document.Info, "", document.ContentHash), chunks, vectors, ct).ConfigureAwait(false);
            done += chunks.Count;
            progress?.Report((done, source.ChunkCount));
        }
        await builder.CommitAsync(ct).ConfigureAwait(false);
        return done;
    }
}
