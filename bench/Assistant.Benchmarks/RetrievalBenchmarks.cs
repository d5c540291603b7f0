using Assistant.Core;
using Assistant.Retrieval;
using Assistant.Retrieval.Sqlite;
using BenchmarkDotNet.Attributes;

namespace Assistant.Benchmarks;

/// <summary>Hybrid search (FTS5 + cosine, fused) on the shipped corpus and on a synthetic 100,000-chunk index.</summary>
[MemoryDiagnoser]
public class RetrievalBenchmarks
{
    private static readonly string[] Vocabulary =
    [
        "azure", "aws", "bedrock", "openai", "microsoft", "amazon", "exclusive", "cloud", "models", "hosting", "stateful",
        "runtime", "funding", "round", "investors", "classified", "network", "government", "licence", "revenue", "share",
        "agreement", "infrastructure", "orchestration", "compute", "capacity", "oracle", "google", "nvidia", "softbank",
    ];

    private IPassageIndex _index = null!;
    private HybridQuery _query = null!;
    private string _path = null!;

    [Params(0, 100_000)]
    public int SyntheticChunks { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _path = Repo.TempIndex("retrieval-" + SyntheticChunks);
        if (SyntheticChunks == 0)
        {
            using var runtime = await Repo.StartAsync(_path);
        }
        else
        {
            await BuildSynthetic(new SqliteIndexStore(_path), SyntheticChunks);
        }
        _index = await new SqliteIndexStore(_path).OpenAsync();
        var vector = new float[_index.Manifest!.Dimensions];
        var random = new Random(7);
        for (var i = 0; i < vector.Length; i++)
            vector[i] = (float)random.NextDouble() - 0.5f;
        Normalize(vector);
        _query = new HybridQuery("can openai models run on aws bedrock", vector, 12);
    }

    [Benchmark(Description = "hybrid search, top 12")]
    public Task<IReadOnlyList<Passage>> Search() => _index.SearchAsync(_query);

    [Benchmark(Description = "hybrid search, top 12, as_of filter")]
    public Task<IReadOnlyList<Passage>> SearchFiltered() =>
        _index.SearchAsync(_query with { AsOf = new DateOnly(2026, 3, 1) });

    [GlobalCleanup]
    public void Cleanup()
    {
        _index.Dispose();
        File.Delete(_path);
    }

    /// <summary>Writes documents of 100 chunks with random text and random unit vectors (no embedding model needed).</summary>
    internal static async Task BuildSynthetic(IIndexStore store, int chunks, int dimensions = 384)
    {
        var random = new Random(42);
        await using var builder = await store.BeginBuildAsync(new IndexManifest("snowflake-arctic-embed-xs", dimensions, DateTimeOffset.UtcNow), fresh: true);
        var documents = new List<(DocumentInfo, IReadOnlyList<Chunk>)>();
        for (var d = 0; d * 100 < chunks; d++)
        {
            var info = new DocumentInfo
            {
                Id = $"synthetic-{d}",
                Title = $"Synthetic document {d}",
                Date = new DateOnly(2019, 1, 1).AddDays(random.Next(0, 2700)),
                Path = $"corpus/synthetic-{d}.md",
            };
            var list = new List<Chunk>();
            var vectors = new List<ReadOnlyMemory<float>>();
            var offset = 0;
            for (var c = 0; c < Math.Min(100, chunks - (d * 100)); c++)
            {
                var text = string.Join(' ', Enumerable.Range(0, 40).Select(_ => Word(random))) + ".";
                var layers = new[] { LayerTaxonomy.Ids[random.Next(7)] };
                list.Add(new Chunk(info.Id, c, "Section", text, offset, offset + text.Length, layers, [new SentenceSpan(offset, offset + text.Length, layers)]));
                offset += text.Length + 1;
                var v = new float[dimensions];
                for (var i = 0; i < dimensions; i++)
                    v[i] = (float)random.NextDouble() - 0.5f;
                Normalize(v);
                vectors.Add(v);
            }
            await builder.UpsertAsync(new SourceDocument(info, "", $"hash-{d}"), list, vectors);
            documents.Add((info, list));
        }
        await builder.CommitAsync(IndexStatistics.Of(documents, DomainKnowledge.LoadLexicon(Repo.Corpus)));
    }

    // A Zipf-like vocabulary of 5,000 words where the domain words sit at ranks 50-80, as real terms would.
    private static readonly double[] Cumulative = BuildCumulative(5000);

    private static double[] BuildCumulative(int n)
    {
        var weights = Enumerable.Range(1, n).Select(r => 1.0 / r).ToArray();
        var total = weights.Sum();
        var cumulative = new double[n];
        var sum = 0.0;
        for (var i = 0; i < n; i++)
            cumulative[i] = sum += weights[i] / total;
        return cumulative;
    }

    private static string Word(Random random)
    {
        var rank = Array.BinarySearch(Cumulative, random.NextDouble());
        rank = rank < 0 ? ~rank : rank;
        return rank is >= 50 and < 80 && rank - 50 < Vocabulary.Length ? Vocabulary[rank - 50] : $"w{rank}";
    }

    private static void Normalize(float[] v)
    {
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(v));
        System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
    }
}
