using Assistant.Answering;
using Assistant.Answering.Ledger;
using Assistant.Core;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Benchmarks;

/// <summary>In-process answers on the shipped corpus, warm: end to end, and the composer's share alone.</summary>
[MemoryDiagnoser]
public class AnswerBenchmarks
{
    private BenchAssistant _runtime = null!;
    private AnalyzedQuestion _question = null!;
    private IReadOnlyList<Passage> _passages = null!;
    private string _index = null!;
    private readonly Dictionary<string, ReadOnlyMemory<float>> _claimVectors = new(StringComparer.Ordinal);

    [Params("Can OpenAI models run on AWS?", "How much did Amazon invest in OpenAI?")]
    public string Question { get; set; } = "";

    [GlobalSetup]
    public async Task Setup()
    {
        _index = Repo.TempIndex("answer");
        _runtime = await Repo.StartAsync(_index);
        _question = _runtime.View.Knowledge.Analyzer.Analyze(Question);
        _passages = (await _runtime.RetrieveAsync(Question)).Passages;
        // The claims' embeddings, computed once, so that the ledger reading is measured without the model.
        var embedder = _runtime.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        await ReadLedger(async text => _claimVectors[text] = (await embedder.GenerateAsync([text]))[0].Vector);
    }

    [Benchmark(Description = "ask end to end (embed + retrieve + compose)")]
    public async Task<Answer> Ask() => (await _runtime.Answerer.AnswerAsync(new AskRequest(Question))).Answer;

    [Benchmark(Description = "retrieval only (embed + hybrid search + evidence)")]
    public Task<Retrieved> Retrieve() => _runtime.RetrieveAsync(Question);

    [Benchmark(Description = "ledger reading only (claims read, matched to terms, judged; embeddings computed beforehand)")]
    public Task<LedgerReading> Ledger() => ReadLedger(text => Task.FromResult(_claimVectors[text]));

    private Task<LedgerReading> ReadLedger(Func<string, Task<ReadOnlyMemory<float>>> embed) =>
        _runtime.View.Knowledge.LedgerReader.ReadAsync(ResolvedQuestion.Standalone(Question), _question.Form, null, embed);

    [Benchmark(Description = "composer only (evidence, verdict, text)")]
    public AnswerComposer.Composition Compose()
    {
        var k = _runtime.View.Knowledge;
        var evidence = k.Selector.Score(_question, _passages);
        var (verdict, layers) = VerdictRules.Decide(_question, evidence, k.Stances.Features(_question));
        return k.Composer.Compose(_question, evidence, verdict, layers, null);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runtime.Dispose();
        File.Delete(_index);
    }
}
