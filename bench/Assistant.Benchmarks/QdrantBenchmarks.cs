using Assistant.Core;
using Assistant.Retrieval.Qdrant;
using Assistant.Tests.Support;
using BenchmarkDotNet.Attributes;

namespace Assistant.Benchmarks;

/// <summary>The Qdrant adapter: hybrid query latency and upsert throughput. Against the in-process gRPC stand-in by
/// default (client + serialization overhead plus the stand-in's brute-force scoring); set QDRANT_URL to a real
/// Qdrant's gRPC endpoint to measure that instead.</summary>
[MemoryDiagnoser]
public class QdrantBenchmarks
{
    private QdrantStandIn? _standIn;
    private QdrantIndexStore _store = null!;
    private IPassageIndex _index = null!;
    private IIndexBuilder _builder = null!;
    private HybridQuery _query = null!;
    private SourceDocument _document = null!;
    private List<Chunk> _chunks = null!;
    private List<ReadOnlyMemory<float>> _vectors = null!;

    [Params(100, 2_000)]
    public int Chunks { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        var url = Environment.GetEnvironmentVariable("QDRANT_URL");
        if (url is null)
            _standIn = await QdrantStandIn.StartAsync();
        _store = new QdrantIndexStore(new QdrantSettings { Endpoint = url ?? _standIn!.Endpoint, Collection = "bench-" + Environment.ProcessId });
        await RetrievalBenchmarks.BuildSynthetic(_store, Chunks);
        _index = await _store.OpenAsync();
        var random = new Random(7);
        var vector = Enumerable.Range(0, 384).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _query = new HybridQuery("can openai models run on aws bedrock", vector, 12);

        // One 100-chunk document, upserted again and again into an open build (delete stale points + one batch).
        _builder = await _store.BeginBuildAsync(_index.Manifest! with { BuiltAt = DateTimeOffset.UtcNow }, fresh: true);
        var info = new DocumentInfo { Id = "upsert-bench", Title = "Upsert", Date = new DateOnly(2026, 1, 1), Path = "corpus/upsert.md" };
        _chunks = [.. _index.ChunksOf(_index.Documents[0].Info.Id).Select(c => c with { DocId = info.Id })];
        _vectors = [.. _chunks.Select(_ => new ReadOnlyMemory<float>(vector))];
        _document = new SourceDocument(info, "", "hash");
    }

    [Benchmark(Description = "Qdrant hybrid query (dense + sparse prefetch, RRF), top 12")]
    public Task<IReadOnlyList<Passage>> Search() => _index.SearchAsync(_query);

    [Benchmark(Description = "Qdrant upsert of a 100-chunk document", OperationsPerInvoke = 100)]
    public Task Upsert() => _builder.UpsertAsync(_document, _chunks, _vectors);

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _builder.DisposeAsync();
        _index.Dispose();
        _store.Dispose();
        if (_standIn is not null)
            await _standIn.DisposeAsync();
    }
}
