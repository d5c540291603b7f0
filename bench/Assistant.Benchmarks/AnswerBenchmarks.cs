using Assistant.Answering;
using Assistant.Core;
using BenchmarkDotNet.Attributes;

namespace Assistant.Benchmarks;

/// <summary>In-process answers on the shipped corpus, warm: end to end, and the composer's share alone.</summary>
[MemoryDiagnoser]
public class AnswerBenchmarks
{
    private BenchAssistant _runtime = null!;
    private AnalyzedQuestion _question = null!;
    private IReadOnlyList<Passage> _passages = null!;
    private string _index = null!;

    [Params("Can OpenAI models run on AWS?", "How much did Amazon invest in OpenAI?")]
    public string Question { get; set; } = "";

    [GlobalSetup]
    public async Task Setup()
    {
        _index = Repo.TempIndex("answer");
        _runtime = await Repo.StartAsync(_index);
        _question = _runtime.View.Knowledge.Analyzer.Analyze(Question);
        _passages = (await _runtime.RetrieveAsync(Question)).Passages;
    }

    [Benchmark(Description = "ask end to end (embed + retrieve + compose)")]
    public async Task<Answer> Ask() => (await _runtime.Answerer.AnswerAsync(new AskRequest(Question))).Answer;

    [Benchmark(Description = "retrieval only (embed + hybrid search + evidence)")]
    public Task<Retrieved> Retrieve() => _runtime.RetrieveAsync(Question);

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
