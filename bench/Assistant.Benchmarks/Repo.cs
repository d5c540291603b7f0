using Assistant.Answering;
using Assistant.Core;
using Assistant.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Benchmarks;

/// <summary>Paths and a started assistant over the shipped corpus, shared by the benchmarks.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Corpus => Path.Combine(Root, "corpus");

    /// <summary>The assistant composed as the hosts compose it, over the shipped corpus, its index opened (built when missing).</summary>
    public static async Task<BenchAssistant> StartAsync(string indexPath)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Assistant:Corpus"] = Corpus, ["Assistant:Index"] = indexPath })
            .Build();
        var services = new ServiceCollection().AddLogging().AddAssistant(configuration).BuildServiceProvider();
        await services.GetRequiredService<IndexLifecycle>().StartAsync();
        return new BenchAssistant(services);
    }

    public static string TempIndex(string name) => Path.Combine(Path.GetTempPath(), $"assistant-bench-{name}-{Environment.ProcessId}.db");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Assistant.sln")))
                return dir.FullName;
        }
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Assistant.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Run the benchmarks from inside the repository.");
    }
}

/// <summary>A composed assistant for the benchmarks.</summary>
public sealed class BenchAssistant(ServiceProvider services) : IDisposable
{
    public IServiceProvider Services => services;

    public IAnswerer Answerer => services.GetRequiredService<IAnswerer>();

    public IRetriever Retriever => services.GetRequiredService<IRetriever>();

    public IndexView View => services.GetRequiredService<ServedIndex>().Current;

    public LayerTaxonomy Taxonomy => services.GetRequiredService<LayerTaxonomy>();

    public Task<Retrieved> RetrieveAsync(string question, DateOnly? asOf = null, bool isTalkingPoint = false) =>
        Retriever.RetrieveAsync(ResolvedQuestion.Standalone(question), isTalkingPoint, asOf);

    public void Dispose() => services.Dispose();
}
