using Assistant.Core;

namespace Assistant.Retrieval;

/// <summary>Copies an index into another store (the embedded one into Qdrant) with its vectors and statistics: nothing is embedded again.</summary>
public static class IndexMigration
{
    /// <summary>Builds a fresh version in <paramref name="target"/> from <paramref name="source"/> and swaps it in; returns the chunks copied.</summary>
    public static async Task<int> CopyAsync(IPassageIndex source, IIndexStore target, IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var manifest = (source.Manifest ?? throw new IndexUnavailableException("The source index is empty.")) with { BuiltAt = DateTimeOffset.UtcNow };
        await using var builder = await target.BeginBuildAsync(manifest, fresh: true, ct).ConfigureAwait(false);
        var done = 0;
        await foreach (var (document, chunks, vectors) in source.ExportAsync(ct).ConfigureAwait(false))
        {
            await builder.UpsertAsync(new SourceDocument(document.Info, "", document.ContentHash), chunks, vectors, ct).ConfigureAwait(false);
            done += chunks.Count;
            progress?.Report((done, source.ChunkCount));
        }
        await builder.CommitAsync(source.Statistics, ct).ConfigureAwait(false);
        return done;
    }
}
