using Assistant.Answering;
using Assistant.Core;
using Assistant.Ingestion;
using Assistant.Retrieval;
using Assistant.Retrieval.Sqlite;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.AI;

namespace Assistant.Benchmarks;

/// <summary>Full ingest with the local ONNX model: the shipped corpus, and a synthetic 10,000-chunk corpus (one run: it takes about a minute).</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 3)]
public class IngestBenchmarks
{
    private IEmbeddingGenerator<string, Embedding<float>> _embedder = null!;
    private string _corpus = null!;
    private string _index = null!;

    [Params("shipped", "synthetic-10k")]
    public string Corpus { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _embedder = new LocalEmbeddingGenerator();
        _index = Repo.TempIndex("ingest-" + Corpus);
        _corpus = Corpus == "shipped" ? Repo.Corpus : WriteSynthetic(10_000);
    }

    [IterationSetup]
    public void Fresh()
    {
        if (File.Exists(_index))
            File.Delete(_index);
    }

    [Benchmark(Description = "ingest (read, chunk, tag, embed, write, swap)")]
    public Task<IngestReport> Ingest()
    {
        var taxonomy = DomainKnowledge.LoadTaxonomy(_corpus);
        return new IngestionPipeline(new CorpusReader(_corpus), new Chunker(new LayerTagger(taxonomy)), _embedder, new SqliteIndexStore(_index),
            taxonomy, DomainKnowledge.LoadLexicon(_corpus)).RunAsync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _embedder.Dispose();
        File.Delete(_index);
        if (Corpus != "shipped")
            Directory.Delete(Path.GetDirectoryName(_corpus)!, recursive: true);
    }

    /// <summary>200 Markdown documents of 50 bullets each: one chunk per labelled bullet.</summary>
    private static string WriteSynthetic(int chunks)
    {
        var root = Directory.CreateTempSubdirectory("assistant-bench-corpus-").FullName;
        var dir = Path.Combine(root, "corpus");
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(Repo.Corpus, DomainKnowledge.LayersFile), Path.Combine(dir, DomainKnowledge.LayersFile));
        File.Copy(Path.Combine(Repo.Corpus, DomainKnowledge.LexiconFile), Path.Combine(dir, DomainKnowledge.LexiconFile));
        var sentences = File.ReadAllLines(Path.Combine(Repo.Corpus, "microsoft-openai-statement.md")).Where(l => l.Length > 80).ToArray();
        for (var d = 0; d < chunks / 50; d++)
        {
            var body = string.Join("\n", Enumerable.Range(0, 50).Select(i => $"- Point {i} Of Document {d}: {sentences[(d + i) % sentences.Length]}"));
            File.WriteAllText(Path.Combine(dir, $"doc-{d}.md"), $"---\nid: doc-{d}\ntitle: Synthetic {d}\ndate: 2026-01-01\n---\n# Synthetic {d}\n\n{body}\n");
        }
        return dir;
    }
}
