using System.Diagnostics;
using Assistant.Answering;
using Assistant.Core;
using Assistant.Hosting;
using Assistant.Retrieval.Qdrant;
using Assistant.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Benchmarks;

/// <summary>The Qdrant reader's memory as the corpus grows: synthetic collections in the gRPC stand-in, each opened by a
/// fresh process (composed as the hosts are) that answers a few questions and reports its RSS and managed heap.</summary>
public static class ReaderMemory
{
    private static readonly string[] Questions =
    [
        "Can OpenAI models run on AWS?",
        "Does Microsoft still have exclusivity over OpenAI's API?",
        "Who invested in the funding round with Amazon and Nvidia?",
        "Is Azure the exclusive cloud for hosting OpenAI models?",
    ];

    /// <summary>Builds each size in one stand-in, then opens it from a child process and prints a Markdown table.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<int> sizes)
    {
        await using var standIn = await QdrantStandIn.StartAsync();
        Console.WriteLine("| chunks | reader RSS | managed heap after GC |");
        Console.WriteLine("| ---: | ---: | ---: |");
        foreach (var chunks in sizes)
        {
            var collection = $"reader-{chunks}";
            using (var store = new QdrantIndexStore(new QdrantSettings { Endpoint = standIn.Endpoint, Collection = collection }))
                await RetrievalBenchmarks.BuildSynthetic(store, chunks);
            Console.WriteLine($"| {chunks:N0} | {await ReadInChildAsync(standIn.Endpoint, collection)} |");
        }
        return 0;
    }

    /// <summary>In the child: open the index, answer the questions, collect garbage, print "RSS | heap".</summary>
    public static async Task<int> OpenAndAnswerAsync(string endpoint, string collection)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Assistant:Corpus"] = Repo.Corpus,
            ["Index:Provider"] = "qdrant",
            ["Qdrant:Endpoint"] = endpoint,
            ["Qdrant:Collection"] = collection,
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddAssistant(configuration).BuildServiceProvider();
        await services.GetRequiredService<IndexLifecycle>().StartAsync();
        var answerer = services.GetRequiredService<IAnswerer>();
        foreach (var question in Questions)
            await answerer.AnswerAsync(new AskRequest(question));
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"{self.WorkingSet64 / 1048576.0:0} MB | {heap / 1048576.0:0.0} MB");
        return 0;
    }

    private static async Task<string> ReadInChildAsync(string endpoint, string collection)
    {
        // Run as `dotnet Assistant.Benchmarks.dll` or as the apphost: start the child the same way.
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(typeof(ReaderMemory).Assembly.Location);
        foreach (var arg in new[] { "reader-memory-open", endpoint, collection })
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        return child.ExitCode == 0 ? output.Trim().Split('\n')[^1] : $"failed (exit {child.ExitCode})";
    }
}
