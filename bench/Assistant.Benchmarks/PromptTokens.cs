using System.Text.Json;
using Assistant.Answering;
using Assistant.Answering.Generative;
using Assistant.Cli.Evaluation;
using Assistant.Core;
using Microsoft.ML.Tokenizers;
using Microsoft.SemanticKernel;

namespace Assistant.Benchmarks;

/// <summary>Tokens per generative answer without a model: the real prompts, rendered by Semantic Kernel for each
/// question of an eval set and counted with GPT-4o's tokenizer (o200k_base); the completion is estimated from the
/// extractive answer written in the reply's JSON shape.</summary>
public static class PromptTokens
{
    public static async Task<int> RunAsync(string evalSet)
    {
        var index = Repo.TempIndex("tokens");
        using var runtime = await Repo.StartAsync(index);
        var kernel = Kernel.CreateBuilder().Build();
        var prompts = await GroundedPrompts.LoadAsync(kernel, Path.Combine(Repo.Root, "prompts"), runtime.Taxonomy);
        var tokenizer = TiktokenTokenizer.CreateForModel("gpt-4o");
        var settings = new AzureOpenAISettings();
        var factory = new KernelPromptTemplateFactory();
        var prompt = new List<int>();
        var completion = new List<int>();
        foreach (var item in EvalItem.Load(evalSet))
        {
            var request = new AskRequest(item.Question) { AsOf = item.AsOf, IsTalkingPoint = item.IsTalkingPoint };
            var (answer, _) = await runtime.Answerer.AnswerAsync(request);
            var passages = (await runtime.RetrieveAsync(item.Question, item.AsOf, item.IsTalkingPoint)).Passages;
            if (answer.Abstained)
                continue;
            var function = item.IsTalkingPoint ? "CheckTalkingPoint" : "Answer";
            var template = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "prompts", GroundedPrompts.PluginFolder, function, "skprompt.txt"));
            var sources = passages.Take(settings.MaxSources).ToList();
            var args = prompts.Arguments(item.IsTalkingPoint ? prompts.CheckTalkingPoint : prompts.Answer, item.Question, sources, item.AsOf, item.IsTalkingPoint, settings.MaxOutputTokens);
            var rendered = await factory.Create(new PromptTemplateConfig(template)).RenderAsync(kernel, args);
            prompt.Add(tokenizer.CountTokens(rendered));
            var reply = JsonSerializer.Serialize(new
            {
                verdict = answer.Verdict,
                layers = answer.Layers,
                sentences = answer.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(t => new { text = t, sources = new[] { 1, 2 } }),
            });
            completion.Add(tokenizer.CountTokens(reply));
        }
        File.Delete(index);
        static string Stats(List<int> v) => $"mean {v.Average():0}, p50 {v.Order().ElementAt(v.Count / 2)}, max {v.Max()}";
        Console.WriteLine($"{prompt.Count} answered questions of {evalSet}");
        Console.WriteLine($"prompt tokens (measured, o200k_base): {Stats(prompt)}");
        Console.WriteLine($"completion tokens (estimated from the extractive answer as JSON): {Stats(completion)}");
        return 0;
    }
}
