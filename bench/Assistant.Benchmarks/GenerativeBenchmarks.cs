using Assistant.Answering;
using Assistant.Answering.Generative;
using Assistant.Core;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Benchmarks;

/// <summary>What the generative mode adds on our side of the model call: numbering the sources and verifying the reply
/// (every sentence checked for support: names, figures, dates, closeness with the local embedding model, the terms).</summary>
[MemoryDiagnoser]
public class GenerativeBenchmarks
{
    private BenchAssistant _runtime = null!;
    private IReadOnlyList<Passage> _sources = null!;
    private ModelAnswer _reply = null!;
    private string _replyJson = null!;
    private Answer _baseline = null!;
    private IReadOnlySet<string> _layers = null!;
    private string _index = null!;
    private IEmbeddingGenerator<string, Embedding<float>> _embedder = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _index = Repo.TempIndex("generative");
        _runtime = await Repo.StartAsync(_index);
        _sources = (await _runtime.RetrieveAsync("Can OpenAI models run on AWS?")).Passages.Take(8).ToList();
        _baseline = (await _runtime.Answerer.AnswerAsync(new AskRequest("Can OpenAI models run on AWS?"))).Answer;
        _layers = _runtime.Taxonomy.Layers.Select(l => l.Id).ToHashSet();
        _embedder = _runtime.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        // A realistic reply: five sentences, each paraphrasing a source sentence, citing one or two sources.
        var sentences = _sources.Take(5).Select((p, i) => new ModelSentence
        {
            Text = p.Chunk.SentenceText(p.Chunk.Sentences[0]),
            Sources = i % 2 == 0 ? [i + 1] : [i + 1, 1],
        }).ToList();
        _reply = new ModelAnswer { Verdict = "partly", Layers = ["azure-exclusivity"], Sentences = sentences };
        _replyJson = System.Text.Json.JsonSerializer.Serialize(_reply);
    }

    [Benchmark(Description = "number 8 sources for the prompt")]
    public string NumberSources() => GroundedPrompts.Number(_sources);

    [Benchmark(Description = "parse + verify a 5-sentence reply (support checked against 8 sources)")]
    public async Task<Answer> Verify()
    {
        var output = ModelAnswer.Parse(_replyJson);
        var verifier = new AnswerVerifier(_sources, false, _layers, new SentenceSupport(_runtime.View.Knowledge, _embedder, new DateOnly(2026, 11, 30)));
        foreach (var s in output.Sentences)
            await verifier.AddAsync(s);
        return verifier.Finish(output, _baseline);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runtime.Dispose();
        File.Delete(_index);
    }
}
