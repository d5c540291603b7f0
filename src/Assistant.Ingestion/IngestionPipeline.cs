using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Assistant.Core;
using Assistant.Core.Ledger;
using Microsoft.Extensions.AI;

namespace Assistant.Ingestion;

/// <summary>Progress of an ingest: the stage, how far along it is, and the file at hand.</summary>
public sealed record IngestProgress(string Stage, int Done, int Total, string? Current = null);

/// <summary>What an ingest did.</summary>
public sealed record IngestReport(
    int Documents,
    int Added,
    int Updated,
    int Unchanged,
    int Removed,
    int Chunks,
    int EmbeddedChunks,
    IReadOnlyList<DocumentLoadException> Skipped,
    TimeSpan Elapsed,
    bool Rebuilt);

/// <summary>A run that stopped on bad files; the index was left as it was.</summary>
public sealed class IngestFailedException(IReadOnlyList<DocumentLoadException> errors)
    : Exception(errors.Count == 1 ? errors[0].Message : $"{errors.Count} files cannot be ingested:\n" + string.Join('\n', errors.Select(e => "  " + e.Message)))
{
    public IReadOnlyList<DocumentLoadException> Errors { get; } = errors;
}

/// <summary>Corpus folder → loaded documents → chunks with layers → embeddings → a new index version, swapped in atomically;
/// the terms ledger (corpus/terms.yaml) is checked against the documents and stored with its vectors in the same version.</summary>
public sealed class IngestionPipeline(
    CorpusReader reader,
    Chunker chunker,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    IIndexStore store,
    LayerTaxonomy taxonomy,
    Lexicon lexicon)
{
    private const int BatchSize = 32;

    public async Task<IngestReport> RunAsync(bool skipInvalid = false, IProgress<IngestProgress>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var (documents, errors) = reader.ReadAll(progress);
        if (errors.Count > 0 && !skipInvalid)
            throw new IngestFailedException(errors);
        var ledger = ReadLedger(documents);

        var model = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unknown";
        var dims = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions ?? 0;
        IndexManifest? previous;
        try
        {
            previous = await store.ReadManifestAsync(ct).ConfigureAwait(false);
        }
        catch (IndexUnavailableException)
        {
            // An index of another schema version or a damaged file: build a new one from scratch.
            previous = null;
        }
        var rebuild = previous is null || previous.EmbeddingModel != model || previous.Dimensions != dims;
        var builder = await store.BeginBuildAsync(new IndexManifest(model, dims, DateTimeOffset.UtcNow), fresh: rebuild, ct).ConfigureAwait(false);
        await using var _ = builder.ConfigureAwait(false);
        var existing = builder.ExistingHashes;

        bool Changed(SourceDocument d) => !existing.TryGetValue(d.Info.Id, out var h) || h != d.ContentHash;
        var changed = documents.Where(Changed).ToList();
        var removed = existing.Keys.Except(documents.Select(d => d.Info.Id)).ToList();
        foreach (var id in removed)
            await builder.DeleteAsync(id, ct).ConfigureAwait(false);

        // Every document is chunked (cheap beside embedding) so that the statistics cover the whole version.
        var chunked = documents.Select(d => (Doc: d, Chunks: chunker.Chunk(d))).ToList();
        var work = chunked.Where(w => Changed(w.Doc)).ToList();
        var total = work.Sum(w => w.Chunks.Count);
        var done = 0;
        progress?.Report(new IngestProgress("embed", 0, total));
        foreach (var (doc, chunks) in work)
        {
            var vectors = new List<ReadOnlyMemory<float>>(chunks.Count);
            foreach (var batch in chunks.Chunk(BatchSize))
            {
                ct.ThrowIfCancellationRequested();
                var embeddings = await embedder.GenerateAsync(batch.Select(c => EmbeddingText(doc.Info, c)), cancellationToken: ct).ConfigureAwait(false);
                vectors.AddRange(embeddings.Select(e => e.Vector));
                done += batch.Length;
                progress?.Report(new IngestProgress("embed", done, total, doc.Info.Path));
            }
            await builder.UpsertAsync(doc, chunks, vectors, ct).ConfigureAwait(false);
        }
        // The wordings are embedded through the lexicon's shorthand, so a changed lexicon re-embeds them too.
        var termsVersion = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ledger.Hash + "\n" + string.Join("\n", lexicon.Aliases.Select(a => $"{a.Shorthand}={a.Meaning}")))));
        if (rebuild || builder.ExistingLedgerHash != termsVersion)
            await builder.ReplaceTermsAsync(ledger, await EmbedTermsAsync(ledger, progress, ct).ConfigureAwait(false), termsVersion, ct).ConfigureAwait(false);
        progress?.Report(new IngestProgress("swap", 0, 1));
        var chunkCount = builder.ChunkCount;
        await builder.CommitAsync(IndexStatistics.Of(chunked.Select(w => (w.Doc.Info, w.Chunks)), lexicon), ct).ConfigureAwait(false);
        progress?.Report(new IngestProgress("swap", 1, 1));

        var added = changed.Count(d => !existing.ContainsKey(d.Info.Id));
        return new IngestReport(
            documents.Count,
            added,
            changed.Count - added,
            documents.Count - changed.Count,
            removed.Count,
            chunkCount,
            total,
            errors,
            clock.Elapsed,
            rebuild && previous is not null);
    }

    /// <summary>The corpus' terms ledger, checked against the documents just read; any problem stops the run before the index changes.</summary>
    private TermsLedger ReadLedger(IReadOnlyList<SourceDocument> documents)
    {
        var ledger = TermsLedgerFile.Load(reader.CorpusDir);
        var problems = TermsLedgerValidator.Problems(ledger, documents.ToDictionary(d => d.Info.Id, StringComparer.Ordinal), taxonomy, lexicon);
        if (problems.Count > 0)
        {
            var path = Path.Combine(reader.CorpusDir, TermsLedgerFile.FileName);
            throw new KnowledgeFileException(path, problems.Count == 1 ? problems[0] : $"{problems.Count} problems:\n" + string.Join('\n', problems.Select(p => "  " + p)));
        }
        return ledger;
    }

    /// <summary>Every term's statement and phrasings, embedded as passages are.</summary>
    private async Task<IReadOnlyList<TermVector>> EmbedTermsAsync(TermsLedger ledger, IProgress<IngestProgress>? progress, CancellationToken ct)
    {
        var texts = ledger.Terms.SelectMany(t => t.Texts.Select(text => (t.Id, Text: text))).ToList();
        var vectors = new List<TermVector>(texts.Count);
        foreach (var batch in texts.Chunk(BatchSize))
        {
            ct.ThrowIfCancellationRequested();
            // Wordings are embedded as questions are read: shorthand spelled out by the lexicon.
            var embeddings = await embedder.GenerateAsync(batch.Select(b => lexicon.Normalize(b.Text)), cancellationToken: ct).ConfigureAwait(false);
            vectors.AddRange(batch.Zip(embeddings, (b, e) => new TermVector(b.Id, b.Text, e.Vector)));
            progress?.Report(new IngestProgress("terms", vectors.Count, texts.Count));
        }
        return vectors;
    }

    /// <summary>What the embedding model sees for a chunk: its title and section give short bullets their context.</summary>
    public static string EmbeddingText(DocumentInfo doc, Chunk chunk) =>
        $"{doc.Title}\n{chunk.Section}\n{chunk.Text}";

}

/// <summary>Finds and loads corpus files; configuration files (README.md, *.yaml) are not documents.</summary>
public sealed class CorpusReader
{
    private readonly string _corpusDir;
    private readonly string _knowledgeHash;
    private readonly Dictionary<string, IDocumentLoader> _loaders;

    public CorpusReader(string corpusDir, IEnumerable<IDocumentLoader>? loaders = null)
    {
        _corpusDir = Path.GetFullPath(corpusDir);
        if (!Directory.Exists(_corpusDir))
            throw new DirectoryNotFoundException($"Corpus folder not found: {_corpusDir}");
        _loaders = (loaders ?? [new MarkdownLoader(), new TextLoader(), new HtmlLoader(), new PdfLoader()])
            .SelectMany(l => l.Extensions.Select(e => (e, l)))
            .ToDictionary(p => p.e, p => p.l, StringComparer.OrdinalIgnoreCase);
        // Tags depend on the taxonomy, so a changed layers.yaml re-tags every document.
        _knowledgeHash = Hash(BytesOf(Path.Combine(_corpusDir, DomainKnowledge.LayersFile)), BitConverter.GetBytes(Chunker.Version));
    }

    public string CorpusDir => _corpusDir;

    public IEnumerable<string> SupportedExtensions => _loaders.Keys;

    public static bool IsConfiguration(string path)
    {
        var name = Path.GetFileName(path);
        return name.Equals("README.md", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith('.');
    }

    public IEnumerable<string> Files() =>
        Directory.EnumerateFiles(_corpusDir, "*", SearchOption.AllDirectories)
            .Where(f => !IsConfiguration(f) && !f[_corpusDir.Length..].Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
            .Order(StringComparer.Ordinal);

    public (IReadOnlyList<SourceDocument> Documents, IReadOnlyList<DocumentLoadException> Errors) ReadAll(IProgress<IngestProgress>? progress = null)
    {
        var files = Files().ToList();
        var docs = new List<SourceDocument>();
        var errors = new List<DocumentLoadException>();
        var seen = new Dictionary<string, string>();
        for (var i = 0; i < files.Count; i++)
        {
            progress?.Report(new IngestProgress("read", i, files.Count, Relative(files[i])));
            try
            {
                var doc = Load(files[i]);
                if (seen.TryGetValue(doc.Info.Id, out var other))
                    throw new DocumentLoadException(Relative(files[i]), $"id '{doc.Info.Id}' is already used by {other}");
                seen[doc.Info.Id] = doc.Info.Path;
                docs.Add(doc);
            }
            catch (DocumentLoadException e)
            {
                errors.Add(e);
            }
        }
        progress?.Report(new IngestProgress("read", files.Count, files.Count));
        return (docs, errors);
    }

    public SourceDocument Load(string file)
    {
        var relative = Relative(file);
        var ext = Path.GetExtension(file);
        if (!_loaders.TryGetValue(ext, out var loader))
            throw new DocumentLoadException(relative, $"unknown extension '{ext}' (supported: {string.Join(", ", _loaders.Keys.Order())})");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (IOException e)
        {
            throw new DocumentLoadException(relative, $"cannot be read ({e.Message})", e);
        }
        if (bytes.Length == 0)
            throw new DocumentLoadException(relative, "file is empty");
        var sidecarPath = file + ".meta.yaml";
        var sidecarBytes = File.Exists(sidecarPath) ? File.ReadAllBytes(sidecarPath) : [];
        var sidecar = sidecarBytes.Length > 0
            ? Metadata.ParseYaml(System.Text.Encoding.UTF8.GetString(sidecarBytes), Relative(sidecarPath), "sidecar")
            : new MetadataFields();
        var loaded = loader.Load(relative, bytes);
        if (string.IsNullOrWhiteSpace(loaded.Text))
            throw new DocumentLoadException(relative, "has no text to index");
        var fields = loaded.Declared.Or(sidecar).Or(loaded.Intrinsic).Or(Metadata.FromFileName(file));
        var info = Metadata.Resolve(fields, relative, relative);
        return new SourceDocument(info, loaded.Text, Hash(bytes, sidecarBytes, System.Text.Encoding.UTF8.GetBytes(_knowledgeHash)), loaded.BodyOffset);
    }

    /// <summary>The path shown in citations: relative to the corpus folder's parent, so "corpus/…" in this repository.</summary>
    public string Relative(string file) =>
        Path.GetRelativePath(Path.GetDirectoryName(_corpusDir)!, file).Replace('\\', '/');

    private static byte[] BytesOf(string path) => File.Exists(path) ? File.ReadAllBytes(path) : [];

    private static string Hash(params byte[][] parts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in parts)
            sha.AppendData(p);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
